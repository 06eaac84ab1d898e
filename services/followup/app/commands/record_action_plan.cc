// The provider's action plan for a finding has been received.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/follow_ups.h"

namespace lov::followup {

absl::StatusOr<v1::FollowUp> FollowupApp::RecordActionPlan(
    const v1::RecordActionPlanRequest& r) {
  return Write<v1::FollowUp>(
      r, r.request_id(), "follow_up_id", r.follow_up_id(), /*creates=*/false,
      [this](const std::string& id) { return store_->GetFollowUp(id); },
      [&](const std::optional<v1::FollowUp>& current) {
        return followup::RecordActionPlan(*current, r, Today());
      },
      [&](const v1::FollowUp& after, v1::FollowupEvent* e) {
        auto* received = e->mutable_action_plan_received();
        *received->mutable_follow_up() = after;
        received->set_finding_id(r.finding_id());
      });
}

}  // namespace lov::followup
