// The municipality plans a follow-up of a provider.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/follow_ups.h"

namespace lov::followup {

absl::StatusOr<v1::FollowUp> FollowupApp::PlanFollowUp(
    const v1::PlanFollowUpRequest& r) {
  if (absl::Status s = RequireRequestId(r.request_id()); !s.ok()) return s;
  const std::string id = IdFor("fu", r.request_id());
  return Write<v1::FollowUp>(
      r, r.request_id(), "follow_up_id", id, /*creates=*/true,
      [this](const std::string& id) { return store_->GetFollowUp(id); },
      [&](const std::optional<v1::FollowUp>&) {
        return followup::PlanFollowUp(r, id);
      },
      [](const v1::FollowUp& after, v1::FollowupEvent* e) {
        *e->mutable_follow_up_planned()->mutable_follow_up() = after;
      });
}

}  // namespace lov::followup
