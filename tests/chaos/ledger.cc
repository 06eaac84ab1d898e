#include "ledger.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "lov/registry/v1/events.pb.h"

namespace lov::chaos {
namespace {

namespace vis = ::lov::visits::v1;
namespace stl = ::lov::settlement::v1;
namespace cho = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;

// At most this many problems of one kind are named; all are counted.
constexpr int kNamed = 10;

void Note(Findings& f, int64_t& counter, const std::string& what) {
  if (++counter <= kNamed) f.problems.push_back(what);
}

// "prv-1/r-1@2" -> "prv-1/r-1"; "" for what is no visit (listing days,
// payments, categories) or takes an old version out ("-...").
std::string VisitOfSource(const std::string& source) {
  if (source.empty() || source[0] == '-') return "";
  const auto at = source.rfind('@');
  if (at == std::string::npos) return "";
  return source.substr(0, at);
}

bool PaysPerVisit(stl::LineKind kind) {
  return kind == stl::LINE_KIND_PERFORMED_TIME || kind == stl::LINE_KIND_VISITS;
}

// The dates of caps and assignments are "YYYY-MM-DD": their text order is
// their order in time.
const reg::CapacityCap* CapOn(const reg::Provider& provider,
                              const std::string& zone, const std::string& day) {
  const reg::CapacityCap* in_force = nullptr;
  for (const auto& cap : provider.capacity()) {
    if (cap.zone_id() == zone && cap.effective_date() <= day) in_force = &cap;
  }
  return in_force;
}

bool ActiveOn(const cho::Assignment& a, const std::string& day) {
  return a.valid_from() <= day && (a.valid_to().empty() || day <= a.valid_to());
}

}  // namespace

std::vector<Ack> ParseAckLog(absl::string_view text) {
  std::vector<Ack> acks;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const std::vector<std::string> parts =
        absl::StrSplit(line, absl::ByChar('\t'));
    if (parts.size() < 2) continue;  // a line cut off by a kill
    Ack ack{parts[0], parts[1], parts.size() > 2 ? parts[2] : ""};
    acks.push_back(std::move(ack));
  }
  return acks;
}

void Ledger::Add(const CloudEvent& event) {
  ++events_;
  const std::string& topic = event.topic;
  if (absl::EndsWith(topic, ".dlq.v1")) {
    ++dead_letters_;
    if (dead_letter_errors_.size() < kNamed) {
      dead_letter_errors_.push_back(
          absl::StrCat(topic, ": ", event.Header("ce_type"), " ", event.subject,
                       ": ", event.Header("dlq_error")));
    }
    return;
  }
  bool decoded = true;
  if (absl::EndsWith(topic, "visits.events.v1") ||
      absl::EndsWith(topic, "visits.rejected.v1")) {
    vis::VisitEvent e;
    decoded = e.ParseFromString(event.data);
    if (decoded) AddVisit(e, event.time);
  } else if (absl::EndsWith(topic, "settlement.events.v1")) {
    stl::SettlementEvent e;
    decoded = e.ParseFromString(event.data);
    if (decoded) AddSettlement(e, event.time);
  } else if (absl::EndsWith(topic, "choice.events.v1")) {
    cho::ChoiceEvent e;
    decoded = e.ParseFromString(event.data);
    if (decoded) AddChoice(e, event.time);
  } else if (absl::EndsWith(topic, "registry.events.v1")) {
    AddRegistry(event);
  }
  if (!decoded) ++undecodable_;
}

void Ledger::AddVisit(const vis::VisitEvent& e, absl::Time at) {
  switch (e.payload_case()) {
    case vis::VisitEvent::kVisitAccepted:
      decisions_[e.aggregate_id()].push_back({true, ""});
      versions_[e.aggregate_id()].push_back(
          {at, false, e.visit_accepted().visit()});
      break;
    case vis::VisitEvent::kVisitRejected:
      decisions_[e.aggregate_id()].push_back(
          {false, e.visit_rejected().reason_code()});
      break;
    case vis::VisitEvent::kVisitCorrected:
      versions_[e.aggregate_id()].push_back(
          {at, false, e.visit_corrected().visit()});
      break;
    case vis::VisitEvent::kVisitVoided:
      versions_[e.aggregate_id()].push_back(
          {at, true, e.visit_voided().previous()});
      break;
    default:
      break;
  }
}

void Ledger::AddSettlement(const stl::SettlementEvent& e, absl::Time at) {
  switch (e.payload_case()) {
    case stl::SettlementEvent::kStatementApproved:
      approvals_[e.statement_approved().statement_id()].push_back(
          {at, e.statement_approved().statement()});
      break;
    case stl::SettlementEvent::kStatementSourcesRecorded: {
      const auto& part = e.statement_sources_recorded();
      source_parts_[part.statement_id()].emplace(part.part(), part);
      break;
    }
    case stl::SettlementEvent::kRateTableVersionAdded:
      for (const auto& rate : e.rate_table_version_added().table().categories())
        models_[rate.category_id()] = rate.model();
      break;
    default:
      break;
  }
}

void Ledger::AddChoice(const cho::ChoiceEvent& e, absl::Time at) {
  auto version = [&](const cho::Assignment& a) {
    assignments_[a.assignment_id()] = a;
    assignments_of_[a.client_id()].push_back({at, a});
  };
  switch (e.payload_case()) {
    case cho::ChoiceEvent::kAssignmentStarted: {
      const auto& started = e.assignment_started();
      version(started.assignment());
      started_.push_back({at, started.assignment()});
      if (started.has_ended()) version(started.ended());
      break;
    }
    case cho::ChoiceEvent::kAssignmentEnded:
      version(e.assignment_ended().assignment());
      break;
    case cho::ChoiceEvent::kDecisionRegistered:
      decisions_of_[e.decision_registered().client_id()].push_back(
          {at, e.decision_registered().decision()});
      break;
    case cho::ChoiceEvent::kDecisionChanged:
      decisions_of_[e.decision_changed().client_id()].push_back(
          {at, e.decision_changed().decision()});
      break;
    case cho::ChoiceEvent::kDecisionRevised:
      decisions_of_[e.decision_revised().client_id()].push_back(
          {at, e.decision_revised().ended()});
      decisions_of_[e.decision_revised().client_id()].push_back(
          {at, e.decision_revised().decision()});
      break;
    default:
      break;
  }
}

// Every provider event carries the whole provider record after the change
// (docs/events.md): the payload's `provider` field, whatever the event.
void Ledger::AddRegistry(const CloudEvent& event) {
  reg::RegistryEvent e;
  if (!e.ParseFromString(event.data)) {
    ++undecodable_;
    return;
  }
  const auto* payload = e.GetDescriptor()->FindOneofByName("payload");
  const auto* set = e.GetReflection()->GetOneofFieldDescriptor(e, payload);
  if (set == nullptr ||
      set->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
    return;
  }
  const auto& body = e.GetReflection()->GetMessage(e, set);
  const auto* field = body.GetDescriptor()->FindFieldByName("provider");
  if (field == nullptr || field->message_type() != reg::Provider::descriptor())
    return;
  reg::Provider provider;
  provider.CopyFrom(body.GetReflection()->GetMessage(body, field));
  providers_[provider.provider_id()] = std::move(provider);
}

Findings Ledger::Check(const std::vector<Ack>& acks, bool have_acks) const {
  Findings f;
  f.events = events_;
  f.undecodable = undecodable_;
  if (have_acks) CheckAcks(acks, f);
  CheckDecisions(f);
  CheckPayments(f);
  CheckCaps(f);
  CheckHoursCaps(f);
  f.dead_letters = dead_letters_;
  for (const auto& e : dead_letter_errors_) f.problems.push_back(e);
  return f;
}

void Ledger::CheckAcks(const std::vector<Ack>& acks, Findings& f) const {
  // A report sent twice on purpose is acknowledged twice: count it once.
  std::set<std::pair<std::string, std::string>> seen;
  int64_t named = 0;
  for (const Ack& ack : acks) {
    if (!seen.insert({ack.visit_id, ack.kind + ack.reason}).second) continue;
    if (ack.kind == "given_up") {
      ++f.given_up;
      continue;
    }
    ++f.acknowledged;
    if (ack.reason == "DUPLICATE_REPORT") {
      // Its rejection has a key of its own, "<visit id>~<fingerprint>".
      auto it = decisions_.lower_bound(ack.visit_id + "~");
      if (it == decisions_.end() ||
          !absl::StartsWith(it->first, ack.visit_id + "~")) {
        ++f.lost;
        Note(f, named,
             "acknowledged, not in the log: " + ack.visit_id +
                 " (DUPLICATE_REPORT)");
      }
      continue;
    }
    auto it = decisions_.find(ack.visit_id);
    if (it == decisions_.end()) {
      ++f.lost;
      Note(f, named, "acknowledged, not in the log: " + ack.visit_id);
      continue;
    }
    const bool accepted = ack.kind != "rejected";
    if (it->second.front().accepted != accepted) {
      ++f.wrong_outcome;
      Note(f, named,
           absl::StrCat("acknowledged as ", ack.kind, ", the log says ",
                        accepted ? "rejected " : "accepted ", ack.visit_id));
    }
  }
}

void Ledger::CheckDecisions(Findings& f) const {
  int64_t named = 0;
  for (const auto& [id, decisions] : decisions_) {
    // Other contents under a used report id are rejected under keys of
    // their own, each at most once; the visit id itself has one decision.
    if (decisions.size() > 1) {
      ++f.decided_twice;
      std::string what;
      for (const Decision& d : decisions) {
        absl::StrAppend(&what, what.empty() ? "" : ", ",
                        d.accepted ? "accepted" : "rejected " + d.reason);
      }
      Note(f, named,
           absl::StrCat(id, " decided ", decisions.size(), " times: ", what));
    }
  }
}

stl::Statement Ledger::WithSources(const Approval& approval) const {
  stl::Statement statement = approval.statement;
  auto parts = source_parts_.find(statement.statement_id());
  if (parts == source_parts_.end()) return statement;
  std::map<int, stl::StatementLine*> by_no;
  for (auto& line : *statement.mutable_lines()) by_no[line.line_no()] = &line;
  for (const auto& [no, part] : parts->second) {
    for (const auto& ls : part.lines()) {
      auto line = by_no.find(ls.line_no());
      if (line == by_no.end()) continue;
      for (const auto& s : ls.sources()) line->second->add_sources(s);
    }
  }
  return statement;
}

bool Ledger::MustBePaid(const std::vector<VisitVersion>& versions,
                        absl::Time at, vis::Visit* current) const {
  const VisitVersion* last = nullptr;
  for (const VisitVersion& v : versions) {
    if (v.at <= at) last = &v;
  }
  if (last == nullptr || last->voided) return false;
  if (last->visit.status() != vis::VISIT_STATUS_PERFORMED) return false;
  auto model = models_.find(last->visit.category_id());
  if (model == models_.end() ||
      (model->second != stl::PAYMENT_MODEL_PERFORMED_HOURS &&
       model->second != stl::PAYMENT_MODEL_PER_VISIT)) {
    return false;  // granted hours: paid from the decision, not per visit
  }
  *current = last->visit;
  return true;
}

std::map<std::string, std::set<std::string>> Ledger::PaidVersions(
    const Approval& approval) const {
  std::map<std::string, std::set<std::string>> versions;
  const stl::Statement statement = WithSources(approval);
  for (const auto& line : statement.lines()) {
    if (!PaysPerVisit(line.kind()) || !line.adjusts_period().empty()) continue;
    for (const auto& source : line.sources()) {
      const std::string visit = VisitOfSource(source);
      if (!visit.empty()) versions[visit].insert(source);
    }
  }
  return versions;
}

void Ledger::CheckPayments(Findings& f) const {
  int64_t named_twice = 0, named_approved = 0;
  // visit id -> the statements whose time or visit lines name it (once per
  // version).
  std::map<std::string, std::vector<std::string>> paid_by;
  std::map<std::string, std::set<std::string>> on_statement;
  for (const auto& [id, approvals] : approvals_) {
    ++f.approvals;
    if (approvals.size() > 1) {
      ++f.double_approvals;
      Note(f, named_approved,
           absl::StrCat("statement ", id, " approved ", approvals.size(),
                        " times"));
    }
    for (const auto& [visit, sources] : PaidVersions(approvals.front())) {
      for (size_t i = 0; i < sources.size(); ++i) paid_by[visit].push_back(id);
      on_statement[id].insert(visit);
    }
  }
  f.paid_visits = static_cast<int64_t>(paid_by.size());
  for (const auto& [visit, statements] : paid_by) {
    if (statements.size() > 1) {
      ++f.double_paid;
      Note(
          f, named_twice,
          absl::StrCat("visit ", visit, " paid ", statements.size(), " times (",
                       statements.front(), ", ", statements.back(), ")"));
    }
  }
  CheckUnpaid(on_statement, f);
}

void Ledger::CheckUnpaid(
    const std::map<std::string, std::set<std::string>>& on_statement,
    Findings& f) const {
  int64_t named = 0;
  for (const auto& [visit, versions] : versions_) {
    // The statement of the visit's provider and month, if approved.
    const vis::Visit& first = versions.front().visit;
    for (const auto& [id, approvals] : approvals_) {
      const stl::Statement& s = approvals.front().statement;
      if (s.provider_id() != first.provider_id()) continue;
      vis::Visit current;
      if (!MustBePaid(versions, approvals.front().at, &current) ||
          current.period() != s.period()) {
        continue;
      }
      auto paid = on_statement.find(id);
      if (paid == on_statement.end() || !paid->second.contains(visit)) {
        ++f.unpaid;
        Note(f, named,
             absl::StrCat("accepted visit ", visit, " is not on statement ",
                          id));
      }
    }
  }
}

void Ledger::CheckCaps(Findings& f) const {
  int64_t named = 0;
  // (provider, zone) -> its assignments.
  std::map<std::pair<std::string, std::string>,
           std::vector<const cho::Assignment*>>
      held;
  for (const auto& [id, a] : assignments_) {
    held[{a.provider_id(), a.zone_id()}].push_back(&a);
  }
  for (const auto& [key, list] : held) {
    auto provider = providers_.find(key.first);
    if (provider == providers_.end()) continue;
    // The count changes only on a day an assignment starts.
    std::set<std::string> days;
    for (const auto* a : list) days.insert(a->valid_from());
    for (const std::string& day : days) {
      const reg::CapacityCap* cap = CapOn(provider->second, key.second, day);
      if (cap == nullptr || !cap->capped() || cap->max_clients() <= 0) continue;
      ++f.cap_checks;
      const auto count = std::count_if(
          list.begin(), list.end(),
          [&](const cho::Assignment* a) { return ActiveOn(*a, day); });
      if (count > cap->max_clients()) {
        ++f.cap_violations;
        Note(f, named,
             absl::StrCat(key.first, " in ", key.second, " on ", day, ": ",
                          count, " clients, cap ", cap->max_clients()));
      }
    }
  }
}

int64_t Ledger::GrantedMinutes(const std::string& client,
                               const std::set<std::string>& categories,
                               const std::string& day, absl::Time at) const {
  auto it = decisions_of_.find(client);
  if (it == decisions_of_.end()) return 0;
  // Each decision as last written by `at`, in the order first written.
  std::vector<std::string> order;
  std::map<std::string, const cho::Decision*> latest;
  for (const DecisionVersion& v : it->second) {
    if (v.at > at) continue;
    const std::string& id = v.decision.decision_id();
    if (!latest.contains(id)) order.push_back(id);
    latest[id] = &v.decision;
  }
  const cho::Decision* in_force = nullptr;
  const cho::Decision* next = nullptr;
  for (const std::string& id : order) {
    const cho::Decision* d = latest[id];
    if (!d->valid_to().empty() && d->valid_to() < day) continue;
    if (d->valid_from() <= day) {
      in_force = d;
      break;
    }
    if (next == nullptr || d->valid_from() < next->valid_from()) next = d;
  }
  if (in_force == nullptr) in_force = next;
  if (in_force == nullptr) return 0;
  int64_t minutes = 0;
  for (const auto& granted : in_force->categories()) {
    if (categories.contains(granted.category_id())) {
      minutes += granted.minutes_per_month();
    }
  }
  return minutes;
}

int64_t Ledger::HeldMinutes(const cho::Assignment& taking,
                            absl::Time at) const {
  // A client's place at the provider in the zone: until the last day of its
  // last assignment there (open while one runs open), weighing its granted
  // minutes in their categories by the decision for the latest first day.
  struct Place {
    bool open = false;
    std::string last_day, latest_from;
    std::set<std::string> categories;
  };
  std::map<std::string, Place> places;
  for (const auto& [client, versions] : assignments_of_) {
    std::map<std::string, const cho::Assignment*> latest;
    for (const AssignmentVersion& v : versions) {
      if (v.at < at) latest[v.assignment.assignment_id()] = &v.assignment;
    }
    for (const auto& [id, a] : latest) {
      const bool cancelled =
          !a->valid_to().empty() && a->valid_to() < a->valid_from();
      if (id == taking.assignment_id() || cancelled ||
          a->provider_id() != taking.provider_id() ||
          a->zone_id() != taking.zone_id()) {
        continue;
      }
      Place& place = places[client];
      place.open = place.open || a->valid_to().empty();
      place.last_day = std::max(place.last_day, a->valid_to());
      place.latest_from = std::max(place.latest_from, a->valid_from());
      place.categories.insert(a->category_ids().begin(),
                              a->category_ids().end());
    }
  }
  int64_t minutes = 0;
  for (const auto& [client, place] : places) {
    if (!place.open && place.last_day < taking.valid_from()) continue;
    if (client == taking.client_id()) return -1;  // it keeps its place
    minutes += GrantedMinutes(client, place.categories, place.latest_from, at);
  }
  return minutes;
}

// Choice takes a place under an hours cap only if the minutes of the
// places held from its first day plus the client's own stay within the cap
// (the reservation script of redis_choice_reservations.cc); a client that
// already holds a place there keeps it unchecked.
void Ledger::CheckHoursCaps(Findings& f) const {
  int64_t named = 0;
  for (const AssignmentVersion& started : started_) {
    const cho::Assignment& a = started.assignment;
    if (!a.valid_to().empty() && a.valid_to() < a.valid_from()) continue;
    auto provider = providers_.find(a.provider_id());
    if (provider == providers_.end()) continue;
    const reg::CapacityCap* cap =
        CapOn(provider->second, a.zone_id(), a.valid_from());
    if (cap == nullptr || cap->max_hours_per_month() <= 0) continue;
    const int64_t held = HeldMinutes(a, started.at);
    if (held < 0) continue;
    ++f.hours_checks;
    const std::set<std::string> categories(a.category_ids().begin(),
                                           a.category_ids().end());
    const int64_t own =
        GrantedMinutes(a.client_id(), categories, a.valid_from(), started.at);
    const int64_t cap_minutes = int64_t{cap->max_hours_per_month()} * 60;
    if (held + own > cap_minutes) {
      ++f.hours_violations;
      Note(f, named,
           absl::StrCat(a.client_id(), " took a place at ", a.provider_id(),
                        " in ", a.zone_id(), " from ", a.valid_from(), ": ",
                        held + own, " granted minutes a month, hours cap ",
                        cap_minutes));
    }
  }
}

}  // namespace lov::chaos
