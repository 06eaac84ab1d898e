#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_FOLLOW_UPS_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_FOLLOW_UPS_H_

// Follow-ups of providers (uppföljning): planned, then done with findings;
// a finding may require an action plan by a deadline, and one not received
// by then is overdue (and may lead to a registry sanction).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/followup/contract/overdue.h"  // OverdueFindings
#include "lov/followup/v1/followup.pb.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

absl::StatusOr<v1::FollowUp> PlanFollowUp(
    const v1::PlanFollowUpRequest& request, const std::string& follow_up_id);

// Done on the request's date (empty: today), with its findings, numbered
// "<follow_up_id>/f1", "/f2", ...
absl::StatusOr<v1::FollowUp> CompleteFollowUp(
    v1::FollowUp follow_up, const v1::CompleteFollowUpRequest& request,
    absl::CivilDay today);

absl::StatusOr<v1::FollowUp> RecordActionPlan(
    v1::FollowUp follow_up, const v1::RecordActionPlanRequest& request,
    absl::CivilDay today);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_FOLLOW_UPS_H_
