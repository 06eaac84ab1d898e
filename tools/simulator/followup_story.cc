// The month's quality follow-up as the simulator makes it up (a pure
// function of the seed, the month and today): complaints from clients and
// relatives in their workflow, deviations and lex Sarah reports (one
// serious wrong reported to IVO in time, one not), a follow-up of every
// provider planned and one done with findings whose action plans come in
// or not, and the national user survey's results; and what of it is overdue
// on a day, counted by the rules of docs/followup.md without the service.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// The days a reply or an IVO report may take (docs/followup.md).
constexpr int kReplyDays = 14;
constexpr int kIvoDays = 14;

// The clients of `provider_id`, by their number.
std::vector<size_t> ClientsOf(const std::vector<SimClient>& clients,
                              const std::string& provider_id) {
  std::vector<size_t> out;
  for (size_t i = 0; i < clients.size(); ++i)
    if (clients[i].provider_id == provider_id && !clients[i].client_id.empty())
      out.push_back(i);
  return out;
}

std::string ProviderAt(size_t k) { return ProviderId(Providers()[k].org); }

void AddComplaints(uint64_t seed, absl::CivilDay first, absl::CivilDay today,
                   const std::vector<SimClient>& clients,
                   FollowUpContent* out) {
  std::vector<size_t> served;
  for (size_t i = 0; i < clients.size(); ++i)
    if (!clients[i].provider_id.empty() && !clients[i].client_id.empty())
      served.push_back(i);
  if (served.empty()) return;
  using S = fol::ComplaintStatus;
  struct Spec {
    const char* category;
    int received;  // days after the first of the month; -1: today
    std::vector<std::pair<S, int>> steps;
  };
  // Closed; answered a day late; still investigated after its deadline
  // (overdue); answered in time; received today.
  const std::vector<Spec> specs = {
      {"punctuality",
       2,
       {{fol::COMPLAINT_STATUS_INVESTIGATING, 3},
        {fol::COMPLAINT_STATUS_ANSWERED, 9},
        {fol::COMPLAINT_STATUS_CLOSED, 12}}},
      {"treatment",
       5,
       {{fol::COMPLAINT_STATUS_INVESTIGATING, 6},
        {fol::COMPLAINT_STATUS_ANSWERED, 5 + kReplyDays + 1}}},
      {"continuity", 8, {{fol::COMPLAINT_STATUS_INVESTIGATING, 10}}},
      {"food", 19, {{fol::COMPLAINT_STATUS_ANSWERED, 26}}},
      {"cleaning", -1, {}},
  };
  for (size_t k = 0; k < specs.size(); ++k) {
    const Spec& spec = specs[k];
    const absl::CivilDay received =
        spec.received < 0 ? today : first + spec.received;
    if (received > today) continue;
    const SimClient& c =
        clients[served[StreamOf(seed, "complaint", k)() % served.size()]];
    ComplaintStory story;
    story.registered.set_client_id(c.client_id);
    story.registered.set_provider_id(c.provider_id);
    story.registered.set_category(spec.category);
    story.registered.set_received_date(FormatDate(received));
    for (const auto& [status, day] : spec.steps) {
      if (first + day > today) break;
      story.steps.emplace_back(status, FormatDate(first + day));
    }
    out->complaints.push_back(std::move(story));
  }
}

void AddDeviations(uint64_t seed, absl::CivilDay first, absl::CivilDay today,
                   const std::vector<SimClient>& clients,
                   FollowUpContent* out) {
  struct Spec {
    size_t provider;  // in Providers()
    fol::DeviationKind kind;
    fol::Severity severity;
    int reported;  // days after the first; -1: today
    int ivo;       // days after the first; -1: not reported to IVO
  };
  const std::vector<Spec> specs = {
      {2, fol::DEVIATION_KIND_DEVIATION, fol::SEVERITY_MINOR, 4, -1},
      {0, fol::DEVIATION_KIND_LEX_SARAH, fol::SEVERITY_SERIOUS, 7, 12},
      // A serious wrong never reported to IVO: overdue from day 10 + 14.
      {5, fol::DEVIATION_KIND_LEX_SARAH, fol::SEVERITY_SERIOUS, 10, -1},
      {4, fol::DEVIATION_KIND_DEVIATION, fol::SEVERITY_MINOR, 15, -1},
      {3, fol::DEVIATION_KIND_LEX_SARAH, fol::SEVERITY_SERIOUS_RISK, -1, -1},
  };
  for (size_t k = 0; k < specs.size(); ++k) {
    const Spec& spec = specs[k];
    const absl::CivilDay reported =
        spec.reported < 0 ? today : first + spec.reported;
    if (reported > today) continue;
    DeviationStory story;
    fol::ReportDeviationRequest& r = story.reported;
    r.set_provider_id(ProviderAt(spec.provider));
    const std::vector<size_t> own = ClientsOf(clients, r.provider_id());
    if (!own.empty())
      r.set_client_id(
          clients[own[StreamOf(seed, "deviation", k)() % own.size()]]
              .client_id);
    r.set_kind(spec.kind);
    r.set_severity(spec.severity);
    r.set_occurred_date(FormatDate(reported - 1));
    r.set_reported_date(FormatDate(reported));
    if (spec.ivo >= 0 && first + spec.ivo <= today)
      story.ivo_date = FormatDate(first + spec.ivo);
    out->deviations.push_back(std::move(story));
  }
}

// A follow-up of every provider planned in the month; Attendo's done on the
// 13th with three findings: an action plan never received (overdue after
// its deadline), one received in time, one finding without a plan.
void AddFollowUps(absl::CivilDay first, absl::CivilDay today,
                  FollowUpContent* out) {
  for (size_t k = 0; k < Providers().size(); ++k) {
    FollowUpStory story;
    story.planned.set_provider_id(ProviderAt(k));
    story.planned.set_planned_date(FormatDate(first + 2 + 4 * k));
    if (ProviderAt(k) == ProviderId("556554-1645") && first + 12 <= today) {
      story.done_date = FormatDate(first + 12);
      const std::string due = FormatDate(first + 22);
      auto finding = [&](const char* summary, bool plan) {
        fol::FindingInput f;
        f.set_summary(summary);
        f.set_requires_action_plan(plan);
        if (plan) f.set_action_plan_due_date(due);
        story.findings.push_back(f);
      };
      finding(
          "Genomförandeplaner saknas eller är inaktuella för 3 av 10 "
          "granskade brukare",
          true);
      finding("Avvikelser analyseras inte på ledningsnivå", true);
      finding("Nyckelhanteringen följer rutinen", false);
      if (first + 20 <= today) story.plans_received[2] = FormatDate(first + 20);
    }
    out->follow_ups.push_back(std::move(story));
  }
}

// One row per provider, the in-house unit included: respondents and the
// share satisfied overall in per mille.
void AddSurvey(uint64_t seed, absl::CivilMonth month, FollowUpContent* out) {
  // The survey's results come in the autumn: before October, last year's
  // are the latest.
  out->survey_year =
      static_cast<int>(month.month() >= 10 ? month.year() : month.year() - 1);
  out->survey_csv =
      "year;provider_id;respondents;overall_satisfied_per_mille\n";
  for (size_t k = 0; k < Providers().size(); ++k) {
    std::mt19937_64 rng = StreamOf(seed, "survey", k);
    const int respondents = 20 + static_cast<int>(rng() % 60);
    const int satisfied = 760 + static_cast<int>(rng() % 180);
    absl::StrAppend(&out->survey_csv, out->survey_year, ";", ProviderAt(k), ";",
                    respondents, ";", satisfied, "\n");
  }
}

}  // namespace

FollowUpContent MakeFollowUpContent(uint64_t seed, absl::CivilMonth month,
                                    absl::CivilDay today,
                                    const std::vector<SimClient>& clients) {
  const absl::CivilDay first(month);
  FollowUpContent out;
  AddComplaints(seed, first, today, clients, &out);
  AddDeviations(seed, first, today, clients, &out);
  AddFollowUps(first, today, &out);
  AddSurvey(seed, month, &out);
  return out;
}

FollowUpCounts CountFollowUp(const FollowUpContent& content,
                             absl::CivilDay today) {
  auto day = [](const std::string& date) { return *ParseDate(date); };
  FollowUpCounts n;
  for (const ComplaintStory& c : content.complaints) {
    ++n.complaints;
    bool replied = false;
    for (const auto& [status, date] : c.steps)
      replied |= status == fol::COMPLAINT_STATUS_ANSWERED ||
                 status == fol::COMPLAINT_STATUS_CLOSED;
    if (!replied && today > day(c.registered.received_date()) + kReplyDays)
      ++n.overdue_complaints;
  }
  for (const DeviationStory& d : content.deviations) {
    ++n.deviations;
    const fol::ReportDeviationRequest& r = d.reported;
    if (r.kind() == fol::DEVIATION_KIND_LEX_SARAH &&
        r.severity() != fol::SEVERITY_MINOR && d.ivo_date.empty() &&
        today > day(r.reported_date()) + kIvoDays)
      ++n.overdue_deviations;
  }
  for (const FollowUpStory& f : content.follow_ups) {
    ++n.follow_ups;
    if (f.done_date.empty()) continue;
    ++n.done;
    for (size_t k = 0; k < f.findings.size(); ++k) {
      const fol::FindingInput& finding = f.findings[k];
      if (finding.requires_action_plan() &&
          !f.plans_received.count(static_cast<int>(k + 1)) &&
          today > day(finding.action_plan_due_date()))
        ++n.overdue_action_plans;
    }
  }
  return n;
}

}  // namespace lov::sim
