#include "lov/followup/contract/overdue.h"

#include "absl/status/statusor.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

bool PastDue(const std::string& due, absl::CivilDay today) {
  if (due.empty()) return false;
  absl::StatusOr<absl::CivilDay> day = ParseDate(due);
  return day.ok() && today > *day;
}

bool ComplaintOverdue(const v1::Complaint& complaint, absl::CivilDay today) {
  return complaint.status() < v1::COMPLAINT_STATUS_ANSWERED &&
         PastDue(complaint.reply_due_date(), today);
}

bool MustReportToIvo(const v1::Deviation& d) {
  return d.kind() == v1::DEVIATION_KIND_LEX_SARAH &&
         (d.severity() == v1::SEVERITY_SERIOUS ||
          d.severity() == v1::SEVERITY_SERIOUS_RISK);
}

bool DeviationOverdue(const v1::Deviation& deviation, absl::CivilDay today) {
  return MustReportToIvo(deviation) && deviation.ivo_reported_date().empty() &&
         PastDue(deviation.ivo_due_date(), today);
}

std::vector<std::string> OverdueFindings(const v1::FollowUp& follow_up,
                                         absl::CivilDay today) {
  std::vector<std::string> out;
  for (const v1::Finding& f : follow_up.findings()) {
    if (f.requires_action_plan() && f.action_plan_received_date().empty() &&
        PastDue(f.action_plan_due_date(), today)) {
      out.push_back(f.finding_id());
    }
  }
  return out;
}

}  // namespace lov::followup
