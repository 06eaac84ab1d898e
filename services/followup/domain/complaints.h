#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_COMPLAINTS_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_COMPLAINTS_H_

// Complaints (klagomål) from clients or relatives: registered by staff,
// then investigated, answered and closed; the reply is due 14 calendar
// days after receipt. Pure rules over the proto records.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/followup/contract/overdue.h"  // ComplaintOverdue
#include "lov/followup/v1/followup.pb.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

// The new complaint `complaint_id`, received on the request's date (empty:
// `today`), or the field that is wrong.
absl::StatusOr<v1::Complaint> RegisterComplaint(
    const v1::RegisterComplaintRequest& request,
    const std::string& complaint_id, absl::CivilDay today);

// The complaint moved on to `request.status()` (a later step; steps may be
// skipped) on the request's date (empty: `today`).
absl::StatusOr<v1::Complaint> AdvanceComplaint(
    v1::Complaint complaint, const v1::AdvanceComplaintRequest& request,
    absl::CivilDay today);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_COMPLAINTS_H_
