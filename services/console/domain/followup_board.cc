#include "lov/console/domain/followup_board.h"

#include <vector>

#include "lov/followup/contract/overdue.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {
namespace {

namespace fv1 = ::lov::followup::v1;
using json = nlohmann::json;

// One provider's overdue counts.
struct Overdue {
  int complaints = 0, ivo_reports = 0, action_plans = 0;
};

}  // namespace

void FollowupBoard::Apply(const fv1::FollowupEvent& e) {
  auto complaint = [this](const fv1::Complaint& c) {
    fv1::Complaint& held = complaints_[c.complaint_id()];
    if (c.version() < held.version()) return;
    held = c;
    held.clear_client_id();
  };
  auto deviation = [this](const fv1::Deviation& d) {
    fv1::Deviation& held = deviations_[d.deviation_id()];
    if (d.version() < held.version()) return;
    held = d;
    held.clear_client_id();
  };
  auto follow_up = [this](const fv1::FollowUp& f) {
    auto it = follow_ups_.find(f.follow_up_id());
    if (it != follow_ups_.end() && f.version() < it->second.version()) return;
    follow_ups_[f.follow_up_id()] = f;
  };
  switch (e.payload_case()) {
    case fv1::FollowupEvent::kComplaintRegistered:
      return complaint(e.complaint_registered().complaint());
    case fv1::FollowupEvent::kComplaintStatusChanged:
      return complaint(e.complaint_status_changed().complaint());
    case fv1::FollowupEvent::kDeviationReported:
      return deviation(e.deviation_reported().deviation());
    case fv1::FollowupEvent::kDeviationReportedToIvo:
      return deviation(e.deviation_reported_to_ivo().deviation());
    case fv1::FollowupEvent::kFollowUpPlanned:
      return follow_up(e.follow_up_planned().follow_up());
    case fv1::FollowupEvent::kFollowUpCompleted:
      return follow_up(e.follow_up_completed().follow_up());
    case fv1::FollowupEvent::kActionPlanReceived:
      return follow_up(e.action_plan_received().follow_up());
    case fv1::FollowupEvent::kProviderIndicatorsPublished: {
      const fv1::ProviderIndicators& i =
          e.provider_indicators_published().indicators();
      if (!i.zone_id().empty()) return;
      auto it = indicators_.find(i.provider_id());
      if (it == indicators_.end() || it->second.as_of() <= i.as_of()) {
        indicators_[i.provider_id()] = i;
      }
      return;
    }
    default:
      return;  // survey imports and what a later version adds
  }
}

json FollowupBoard::Snapshot(
    absl::CivilDay today,
    const std::function<std::string(const std::string&)>& provider_name) const {
  std::map<std::string, Overdue> by_provider;
  Overdue total;
  int open_complaints = 0;
  for (const auto& [id, c] : complaints_) {
    if (c.status() >= fv1::COMPLAINT_STATUS_ANSWERED) continue;
    ++open_complaints;
    if (followup::ComplaintOverdue(c, today)) {
      ++by_provider[c.provider_id()].complaints;
      ++total.complaints;
    }
  }
  for (const auto& [id, d] : deviations_) {
    if (followup::DeviationOverdue(d, today)) {
      ++by_provider[d.provider_id()].ivo_reports;
      ++total.ivo_reports;
    }
  }
  json late_plans = json::array();
  for (const auto& [id, f] : follow_ups_) {
    for (const std::string& late : followup::OverdueFindings(f, today)) {
      ++by_provider[f.provider_id()].action_plans;
      ++total.action_plans;
      for (const fv1::Finding& finding : f.findings()) {
        if (finding.finding_id() != late) continue;
        // The id a registry officer names in ImposeSanction's finding_id.
        late_plans.push_back({{"provider_id", f.provider_id()},
                              {"provider", provider_name(f.provider_id())},
                              {"finding_id", finding.finding_id()},
                              {"due_date", finding.action_plan_due_date()}});
      }
    }
  }
  json overdue_rows = json::array();
  for (const auto& [provider, o] : by_provider) {
    overdue_rows.push_back({{"provider_id", provider},
                            {"provider", provider_name(provider)},
                            {"complaints", o.complaints},
                            {"ivo_reports", o.ivo_reports},
                            {"action_plans", o.action_plans}});
  }
  json continuity = json::array();
  for (const auto& [provider, i] : indicators_) {
    continuity.push_back(
        {{"provider_id", provider},
         {"provider", provider_name(provider)},
         {"as_of", i.as_of()},
         {"from_date", i.continuity_from_date()},
         {"clients", i.continuity_clients()},
         {"median_staff", i.median_staff()},
         {"visits", i.visits()},
         {"visits_with_exceptions", i.visits_with_exceptions()},
         {"listed_clients", i.listed_clients()},
         {"complaints_per_1000_clients", i.complaints_per_1000_clients()},
         {"deviations_per_1000_clients", i.deviations_per_1000_clients()},
         {"survey_satisfied_per_mille",
          i.has_survey() ? json(i.survey().overall_satisfied_per_mille())
                         : json(nullptr)}});
  }
  return {{"as_of", FormatDate(today)},
          {"complaints", static_cast<int>(complaints_.size())},
          {"complaints_open", open_complaints},
          {"complaints_overdue", total.complaints},
          {"deviations", static_cast<int>(deviations_.size())},
          {"ivo_reports_overdue", total.ivo_reports},
          {"follow_ups", static_cast<int>(follow_ups_.size())},
          {"action_plans_overdue", total.action_plans},
          {"overdue_by_provider", overdue_rows},
          {"overdue_action_plans", late_plans},
          {"continuity", continuity}};
}

}  // namespace lov::console
