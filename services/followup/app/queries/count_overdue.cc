// How many complaints, lex Sarah reports and action plans are overdue
// today (Stockholm date), for the service's gauges and alerts.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/complaints.h"
#include "lov/followup/domain/deviations.h"
#include "lov/followup/domain/follow_ups.h"

namespace lov::followup {

absl::StatusOr<FollowupApp::OverdueCounts> FollowupApp::CountOverdue() {
  const absl::CivilDay today = Today();
  OverdueCounts out;
  absl::StatusOr<std::vector<v1::Complaint>> complaints =
      store_->ListComplaints();
  if (!complaints.ok()) return complaints.status();
  for (const auto& c : *complaints)
    out.complaints += ComplaintOverdue(c, today);
  absl::StatusOr<std::vector<v1::Deviation>> deviations =
      store_->ListDeviations();
  if (!deviations.ok()) return deviations.status();
  for (const auto& d : *deviations)
    out.deviations += DeviationOverdue(d, today);
  absl::StatusOr<std::vector<v1::FollowUp>> follow_ups =
      store_->ListFollowUps();
  if (!follow_ups.ok()) return follow_ups.status();
  for (const auto& f : *follow_ups) {
    out.action_plans += static_cast<int>(OverdueFindings(f, today).size());
  }
  return out;
}

}  // namespace lov::followup
