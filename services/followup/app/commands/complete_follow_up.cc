// A follow-up was done: its findings, some requiring an action plan.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/follow_ups.h"

namespace lov::followup {

absl::StatusOr<v1::FollowUp> FollowupApp::CompleteFollowUp(
    const v1::CompleteFollowUpRequest& r) {
  return Write<v1::FollowUp>(
      r, r.request_id(), "follow_up_id", r.follow_up_id(), /*creates=*/false,
      [this](const std::string& id) { return store_->GetFollowUp(id); },
      [&](const std::optional<v1::FollowUp>& current) {
        return followup::CompleteFollowUp(*current, r, Today());
      },
      [](const v1::FollowUp& after, v1::FollowupEvent* e) {
        *e->mutable_follow_up_completed()->mutable_follow_up() = after;
      });
}

}  // namespace lov::followup
