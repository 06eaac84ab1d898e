#include "lov/console/domain/dashboard_model.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::console {
namespace {

namespace rv1 = ::lov::registry::v1;
namespace cv1 = ::lov::choice::v1;
namespace vv1 = ::lov::visits::v1;
namespace sv1 = ::lov::settlement::v1;
using json = nlohmann::json;

int MondayIndex(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

std::string Month(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

// "2025-11" for "2026-11".
std::string SameMonthYearBefore(const std::string& period) {
  if (period.size() != 7) return "";
  int year = std::atoi(period.substr(0, 4).c_str());
  return absl::StrFormat("%04d%s", year - 1, period.substr(4));
}

bool Covers(const std::string& from, const std::string& to,
            const std::string& day) {
  return (from.empty() || from <= day) && (to.empty() || day <= to);
}

}  // namespace

std::string IsoWeek(absl::CivilDay day) {
  absl::CivilDay thursday = day + (3 - MondayIndex(day));
  absl::CivilDay jan1(thursday.year(), 1, 1);
  int week = static_cast<int>((thursday - jan1) / 7) + 1;
  return absl::StrFormat("%04d-W%02d", thursday.year(), week);
}

// ------------------------------------------------------------------ apply

void DashboardModel::Apply(const rv1::RegistryEvent& e) {
  if (e.has_municipality_configured()) {
    const rv1::Municipality& m = e.municipality_configured().municipality();
    municipality_name_ = m.name();
    zones_.clear();
    for (const auto& z : m.zones()) zones_.emplace_back(z.zone_id(), z.name());
    categories_.clear();
    for (const auto& c : m.categories()) {
      categories_.emplace_back(c.category_id(), c.name());
    }
    return;
  }
  if (const rv1::Provider* p = registry::ProviderOf(e)) {
    // Every provider event carries the whole record after the change; keep
    // the newest (events of one provider arrive in order on its key).
    ProviderView& view = providers_[p->provider_id()];
    if (p->version() >= view.provider.version()) {
      view.provider = *p;
      view.name = p->name();
    }
  }
}

void DashboardModel::Apply(const cv1::ChoiceEvent& e) {
  switch (e.payload_case()) {
    case cv1::ChoiceEvent::kZoneHealth: {
      const cv1::ZoneHealth& h = e.zone_health();
      zone_health_[{h.zone_id(), h.category_id()}] = {
          h.zone_id(), h.category_id(), h.selectable_providers(),
          h.no_real_choice()};
      break;
    }
    case cv1::ChoiceEvent::kDecisionRegistered:
    case cv1::ChoiceEvent::kDecisionChanged:
    case cv1::ChoiceEvent::kDecisionRevised: {
      // A revision: the new decision (from its date) is the one shown.
      const cv1::Decision& d =
          e.has_decision_registered() ? e.decision_registered().decision()
          : e.has_decision_revised()  ? e.decision_revised().decision()
                                      : e.decision_changed().decision();
      const std::string& client =
          e.has_decision_registered() ? e.decision_registered().client_id()
          : e.has_decision_revised()  ? e.decision_revised().client_id()
                                      : e.decision_changed().client_id();
      auto& granted = granted_[client];
      granted.clear();
      for (const auto& c : d.categories()) {
        granted[c.category_id()] = c.minutes_per_month();
      }
      break;
    }
    case cv1::ChoiceEvent::kAssignmentStarted: {
      const cv1::AssignmentStarted& s = e.assignment_started();
      const cv1::Assignment& a = s.assignment();
      AssignmentView& view = assignments_[a.assignment_id()];
      view = {a.client_id(),  a.provider_id(), a.zone_id(),
              a.valid_from(), a.valid_to(),    {}};
      view.category_ids.assign(a.category_ids().begin(),
                               a.category_ids().end());
      if (s.has_ended()) {
        auto it = assignments_.find(s.ended().assignment_id());
        if (it != assignments_.end())
          it->second.valid_to = s.ended().valid_to();
      }
      ++starts_by_reason_[a.reason()];
      if (a.reason() == cv1::ASSIGNMENT_REASON_RE_CHOSEN) {
        absl::CivilDay day = StockholmDate(FromProtoTime(e.occurred_at()));
        if (absl::StatusOr<absl::CivilDay> reported =
                ParseDate(s.reported_on());
            reported.ok()) {
          day = *reported;
        }
        ++rechoices_by_week_[IsoWeek(day)];
      }
      break;
    }
    case cv1::ChoiceEvent::kAssignmentEnded: {
      const cv1::Assignment& a = e.assignment_ended().assignment();
      auto it = assignments_.find(a.assignment_id());
      if (it != assignments_.end()) it->second.valid_to = a.valid_to();
      break;
    }
    case cv1::ChoiceEvent::kRechoiceCaseOpened: {
      const cv1::RechoiceCaseOpened& o = e.rechoice_case_opened();
      // A case id is unique per client, not across clients.
      CaseView& c = cases_[o.client_id() + "/" + o.case_id()];
      c.client_id = o.client_id();
      c.provider_id = o.provider_id();
      c.zone_id = o.zone_id();
      c.deadline = o.deadline();
      c.effective_date = o.effective_date();
      break;
    }
    case cv1::ChoiceEvent::kRechoiceCaseClosed: {
      CaseView& c = cases_[e.rechoice_case_closed().client_id() + "/" +
                           e.rechoice_case_closed().case_id()];
      c.closed = true;
      c.outcome = e.rechoice_case_closed().outcome();
      break;
    }
    default:
      break;
  }
}

void DashboardModel::AddPerformed(const vv1::Visit& v, int sign) {
  if (v.status() != vv1::VISIT_STATUS_PERFORMED) return;
  absl::Time start = FromProtoTime(v.start()), end = FromProtoTime(v.end());
  if (end <= start) return;
  std::string month = Month(absl::CivilMonth(ToStockholm(start)));
  performed_[{v.provider_id(), month}] +=
      sign * absl::ToInt64Minutes(end - start);
}

void DashboardModel::CountVisit(const vv1::Visit& v, int sign) {
  if (v.provider_id().empty() || v.period().empty()) return;
  visits_by_period_[{v.provider_id(), v.period()}] += sign;
}

void DashboardModel::CountIngested(absl::Time at) {
  ++ingested_per_minute_[absl::ToUnixSeconds(at) / 60];
  // A day of minutes is plenty for the rate chart.
  while (!ingested_per_minute_.empty() &&
         ingested_per_minute_.begin()->first <
             ingested_per_minute_.rbegin()->first - 24 * 60) {
    ingested_per_minute_.erase(ingested_per_minute_.begin());
  }
}

void DashboardModel::Apply(const vv1::VisitEvent& e) {
  switch (e.payload_case()) {
    case vv1::VisitEvent::kVisitAccepted:
      ++accepted_;
      if (e.visit_accepted().exceptions_size() > 0) ++accepted_with_exceptions_;
      for (const auto& x : e.visit_accepted().exceptions()) {
        ++exceptions_by_code_[x.code()];
      }
      AddPerformed(e.visit_accepted().visit(), +1);
      CountVisit(e.visit_accepted().visit(), +1);
      CountIngested(FromProtoTime(e.occurred_at()));
      break;
    case vv1::VisitEvent::kVisitCorrected:
      ++corrected_;
      AddPerformed(e.visit_corrected().previous(), -1);
      AddPerformed(e.visit_corrected().visit(), +1);
      CountVisit(e.visit_corrected().previous(), -1);
      CountVisit(e.visit_corrected().visit(), +1);
      break;
    case vv1::VisitEvent::kVisitVoided:
      ++voided_;
      AddPerformed(e.visit_voided().previous(), -1);
      CountVisit(e.visit_voided().previous(), -1);
      break;
    case vv1::VisitEvent::kVisitRejected:
      ++rejected_;
      ++rejections_by_reason_[e.visit_rejected().reason_code().empty()
                                  ? "UNSPECIFIED"
                                  : e.visit_rejected().reason_code()];
      CountIngested(FromProtoTime(e.occurred_at()));
      break;
    default:
      break;
  }
}

void DashboardModel::Apply(const sv1::SettlementEvent& e) {
  switch (e.payload_case()) {
    case sv1::SettlementEvent::kStatementApproved: {
      const auto& a = e.statement_approved();
      statements_[{a.provider_id(), a.period()}] = {"approved", a.total_ore()};
      break;
    }
    case sv1::SettlementEvent::kStatementPreviewed: {
      const auto& p = e.statement_previewed();
      StatementView& s = statements_[{p.provider_id(), p.period()}];
      // An approved statement is locked; a later preview does not change it.
      if (s.status != "approved") s = {"previewed", p.total_ore()};
      break;
    }
    case sv1::SettlementEvent::kAdjustmentCreated:
      ++adjustments_;
      break;
    case sv1::SettlementEvent::kMonthRunPrepared: {
      const auto& run = e.month_run_prepared().run();
      MonthRunView& v = month_runs_[run.period()];
      if (v.run_digest == run.run_digest()) break;  // the same run again
      v = {.run_digest = run.run_digest(),
           .providers = run.providers_size(),
           .total_ore = run.total_ore()};
      break;
    }
    case sv1::SettlementEvent::kMonthRunApproved: {
      const auto& a = e.month_run_approved().approval();
      auto it = month_runs_.find(a.period());
      if (it == month_runs_.end() || it->second.run_digest != a.run_digest()) {
        break;  // a run since replaced by a newer one
      }
      it->second.approved = true;
      it->second.approved_count = a.approved_size();
      it->second.refused_count = a.refused_size();
      it->second.approved_total_ore = a.approved_total_ore();
      break;
    }
    default:
      break;
  }
}

// ------------------------------------------------------------------ read

std::string DashboardModel::ProviderName(const std::string& id) const {
  auto it = providers_.find(id);
  return it == providers_.end() || it->second.name.empty() ? id
                                                           : it->second.name;
}

std::string DashboardModel::CategoryName(const std::string& id) const {
  for (const auto& [cid, name] : categories_) {
    if (cid == id) return name;
  }
  return id;
}

std::string DashboardModel::ZoneName(const std::string& id) const {
  if (id.empty()) return "all zones";
  for (const auto& [zid, name] : zones_) {
    if (zid == id) return name;
  }
  return id;
}

std::vector<ZoneChoice> DashboardModel::ZoneChoices() const {
  std::vector<ZoneChoice> out;
  for (const auto& [key, zc] : zone_health_) out.push_back(zc);
  return out;
}

json DashboardModel::Snapshot(absl::Time now) const {
  const std::string today = FormatDate(StockholmDate(now));
  json out;
  out["as_of"] = FormatRfc3339Utc(now);
  out["today"] = today;
  out["municipality"] = municipality_name_;

  // --- real choice per zone and category
  std::vector<std::pair<std::string, std::string>> zones = zones_;
  std::vector<std::pair<std::string, std::string>> categories = categories_;
  for (const auto& [key, zc] : zone_health_) {
    auto has = [](const auto& list, const std::string& id) {
      return std::any_of(list.begin(), list.end(),
                         [&](const auto& p) { return p.first == id; });
    };
    if (!has(zones, key.first)) zones.emplace_back(key.first, key.first);
    if (!has(categories, key.second)) {
      categories.emplace_back(key.second, key.second);
    }
  }
  json cats = json::array();
  for (const auto& [id, name] : categories) {
    cats.push_back({{"category_id", id}, {"name", name}});
  }
  out["categories"] = cats;
  json zone_rows = json::array();
  int no_choice = 0;
  for (const auto& [zid, zname] : zones) {
    json cells = json::array();
    for (const auto& [cid, cname] : categories) {
      auto it = zone_health_.find({zid, cid});
      if (it == zone_health_.end()) {
        cells.push_back({{"category_id", cid}, {"known", false}});
        continue;
      }
      no_choice += it->second.no_real_choice ? 1 : 0;
      cells.push_back(
          {{"category_id", cid},
           {"known", true},
           {"selectable_providers", it->second.selectable_providers},
           {"no_real_choice", it->second.no_real_choice}});
    }
    zone_rows.push_back({{"zone_id", zid}, {"name", zname}, {"cells", cells}});
  }
  out["zones"] = zone_rows;
  out["no_real_choice_count"] = no_choice;

  // --- capacity used: clients served today per provider and zone vs cap
  std::map<std::pair<std::string, std::string>, std::set<std::string>> served;
  std::map<std::string, int64_t> granted_by_provider;
  for (const auto& [id, a] : assignments_) {
    if (!Covers(a.valid_from, a.valid_to, today)) continue;
    served[{a.provider_id, a.zone_id}].insert(a.client_id);
    auto g = granted_.find(a.client_id);
    if (g == granted_.end()) continue;
    for (const std::string& cat : a.category_ids) {
      auto m = g->second.find(cat);
      if (m != g->second.end()) granted_by_provider[a.provider_id] += m->second;
    }
  }
  std::map<std::pair<std::string, std::string>, json> capacity;
  for (const auto& [pid, view] : providers_) {
    for (const auto& ap : view.provider.approvals()) {
      if (!ap.effective_to().empty() && ap.effective_to() < today) continue;
      capacity[{pid, ap.zone_id()}] = json::object();
    }
  }
  for (const auto& [key, clients] : served) capacity[key] = json::object();
  json capacity_rows = json::array();
  for (auto& [key, row] : capacity) {
    const auto& [pid, zid] = key;
    auto s = served.find(key);
    row = {{"provider_id", pid},
           {"provider", ProviderName(pid)},
           {"zone_id", zid},
           {"zone", ZoneName(zid)},
           {"used", s == served.end() ? 0 : s->second.size()},
           {"cap", nullptr}};
    auto p = providers_.find(pid);
    if (p != providers_.end()) {
      for (const auto& cap : p->second.provider.capacity()) {
        if (cap.zone_id() == zid && cap.capped())
          row["cap"] = cap.max_clients();
      }
    }
    capacity_rows.push_back(row);
  }
  out["capacity"] = capacity_rows;

  // --- choice, non-choice, re-choice
  auto reason_count = [&](int reason) -> int64_t {
    auto it = starts_by_reason_.find(reason);
    return it == starts_by_reason_.end() ? 0 : it->second;
  };
  json weeks = json::array();
  absl::CivilDay day = StockholmDate(now);
  for (int back = 7; back >= 0; --back) {
    std::string week = IsoWeek(day - 7 * back);
    auto it = rechoices_by_week_.find(week);
    weeks.push_back(
        {{"week", week},
         {"count", it == rechoices_by_week_.end() ? 0 : it->second}});
  }
  out["choice"] = {
      {"chosen", reason_count(cv1::ASSIGNMENT_REASON_CHOSEN)},
      {"non_choice", reason_count(cv1::ASSIGNMENT_REASON_NON_CHOICE)},
      {"re_chosen", reason_count(cv1::ASSIGNMENT_REASON_RE_CHOSEN)},
      {"transferred", reason_count(cv1::ASSIGNMENT_REASON_TRANSFERRED)},
      {"rechoices_per_week", weeks}};

  // --- leaving providers and their clients' re-choice cases
  struct Leaving {
    std::string leaving_date, deadline;
    int64_t total = 0, closed = 0, re_chosen = 0, allocated = 0, overdue = 0;
  };
  std::map<std::pair<std::string, std::string>, Leaving> leaving;
  for (const auto& [pid, view] : providers_) {
    for (const auto& n : view.provider.notices()) {
      if (n.withdrawn()) continue;
      leaving[{pid, n.zone_id()}].leaving_date = n.effective_date();
    }
  }
  for (const auto& [id, c] : cases_) {
    auto it = leaving.find({c.provider_id, c.zone_id});
    if (it == leaving.end()) it = leaving.find({c.provider_id, ""});
    if (it == leaving.end()) {
      it = leaving.emplace(std::make_pair(c.provider_id, c.zone_id), Leaving{})
               .first;
      it->second.leaving_date = c.effective_date;
    }
    Leaving& l = it->second;
    ++l.total;
    if (c.closed) {
      ++l.closed;
      if (c.outcome == "re-chosen") ++l.re_chosen;
      if (c.outcome == "allocated") ++l.allocated;
    } else {
      if (l.deadline.empty() || c.deadline < l.deadline)
        l.deadline = c.deadline;
      if (!c.deadline.empty() && c.deadline < today) ++l.overdue;
    }
  }
  json leaving_rows = json::array();
  for (const auto& [key, l] : leaving) {
    json row = {{"provider_id", key.first},
                {"provider", ProviderName(key.first)},
                {"zone_id", key.second},
                {"zone", ZoneName(key.second)},
                {"leaving_date", l.leaving_date},
                {"days_left", nullptr},
                {"cases", l.total},
                {"closed", l.closed},
                {"re_chosen", l.re_chosen},
                {"allocated", l.allocated},
                {"open", l.total - l.closed},
                {"overdue", l.overdue},
                {"next_deadline", l.deadline}};
    if (absl::StatusOr<absl::CivilDay> d = ParseDate(l.leaving_date); d.ok()) {
      row["days_left"] = static_cast<int64_t>(*d - StockholmDate(now));
    }
    leaving_rows.push_back(row);
  }
  out["leaving"] = leaving_rows;

  // --- visits
  json rejections = json::array(), exceptions = json::array();
  for (const auto& [reason, n] : rejections_by_reason_) {
    rejections.push_back({{"reason", reason}, {"count", n}});
  }
  for (const auto& [code, n] : exceptions_by_code_) {
    exceptions.push_back({{"code", code}, {"count", n}});
  }
  const int64_t now_minute = absl::ToUnixSeconds(now) / 60;
  json rate = json::array();
  int64_t last5 = 0;
  for (int64_t m = now_minute - 14; m <= now_minute; ++m) {
    auto it = ingested_per_minute_.find(m);
    int64_t n = it == ingested_per_minute_.end() ? 0 : it->second;
    if (m > now_minute - 5) last5 += n;
    rate.push_back(
        {{"minute", absl::FormatTime("%H:%M", absl::FromUnixSeconds(m * 60),
                                     StockholmZone())},
         {"count", n}});
  }
  // Performed time in the latest month with visits, against granted time.
  std::string month;
  for (const auto& [key, minutes] : performed_)
    month = std::max(month, key.second);
  if (month.empty()) month = Month(absl::CivilMonth(StockholmDate(now)));
  std::set<std::string> time_providers;
  for (const auto& [key, minutes] : performed_) {
    if (key.second == month) time_providers.insert(key.first);
  }
  for (const auto& [pid, minutes] : granted_by_provider) {
    time_providers.insert(pid);
  }
  json time_rows = json::array();
  for (const std::string& pid : time_providers) {
    auto p = performed_.find({pid, month});
    auto g = granted_by_provider.find(pid);
    time_rows.push_back(
        {{"provider_id", pid},
         {"provider", ProviderName(pid)},
         {"performed_minutes", p == performed_.end() ? 0 : p->second},
         {"granted_minutes", g == granted_by_provider.end() ? 0 : g->second}});
  }
  out["visits"] = {{"accepted", accepted_},
                   {"accepted_with_exceptions", accepted_with_exceptions_},
                   {"accepted_clean", accepted_ - accepted_with_exceptions_},
                   {"rejected", rejected_},
                   {"corrected", corrected_},
                   {"voided", voided_},
                   {"rejections", rejections},
                   {"exceptions", exceptions},
                   {"rate_per_minute", rate},
                   {"reports_last_5_min", last5},
                   {"time_month", month},
                   {"performed_vs_granted", time_rows}};

  // --- settlement
  json statements = json::array();
  std::map<std::string, int64_t> approved_by_month;
  for (const auto& [key, s] : statements_) {
    if (s.status == "approved") approved_by_month[key.second] += s.total_ore;
  }
  // Every statement approved or previewed, and every one due from visits
  // but not yet approved: "open" while its month runs, then "awaiting
  // approval" (its amount is known only to the settlement's preview).
  std::map<std::pair<std::string, std::string>, json> rows;
  for (const auto& [key, s] : statements_) {
    rows[key] = {{"status", s.status}, {"total_ore", s.total_ore}};
  }
  const std::string this_month = Month(absl::CivilMonth(StockholmDate(now)));
  for (const auto& [key, visits] : visits_by_period_) {
    if (visits <= 0 || rows.contains(key)) continue;
    rows[key] = {
        {"status", key.second < this_month ? "awaiting-approval" : "open"},
        {"total_ore", nullptr}};
  }
  for (auto& [key, row] : rows) {
    row["provider_id"] = key.first;
    row["provider"] = ProviderName(key.first);
    row["period"] = key.second;
    row["previous_year_ore"] = nullptr;
    auto prev = statements_.find({key.first, SameMonthYearBefore(key.second)});
    if (prev != statements_.end() && prev->second.status == "approved") {
      row["previous_year_ore"] = prev->second.total_ore;
    }
    statements.push_back(row);
  }
  json monthly = json::array();
  for (const auto& [period, total] : approved_by_month) {
    json row = {{"period", period},
                {"total_ore", total},
                {"previous_year_ore", nullptr}};
    auto prev = approved_by_month.find(SameMonthYearBefore(period));
    if (prev != approved_by_month.end())
      row["previous_year_ore"] = prev->second;
    monthly.push_back(row);
  }
  // Month-end runs: "prepared" until approved, then "approved" or, with
  // providers refused, "partly-approved".
  json month_runs = json::array();
  for (const auto& [period, run] : month_runs_) {
    std::string status = "prepared";
    if (run.approved) {
      status = run.refused_count > 0 ? "partly-approved" : "approved";
    }
    month_runs.push_back({{"period", period},
                          {"status", status},
                          {"providers", run.providers},
                          {"total_ore", run.total_ore},
                          {"approved", run.approved_count},
                          {"refused", run.refused_count},
                          {"approved_total_ore", run.approved_total_ore}});
  }
  out["followup"] = followup_.Snapshot(
      StockholmDate(now),
      [this](const std::string& id) { return ProviderName(id); });
  out["settlement"] = {{"statements", statements},
                       {"monthly_approved", monthly},
                       {"month_runs", month_runs},
                       {"adjustments", adjustments_}};
  return out;
}

}  // namespace lov::console
