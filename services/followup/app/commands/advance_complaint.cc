// A complaint moves on: investigating, answered, closed.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/complaints.h"

namespace lov::followup {

absl::StatusOr<v1::Complaint> FollowupApp::AdvanceComplaint(
    const v1::AdvanceComplaintRequest& r) {
  v1::ComplaintStatus previous = v1::COMPLAINT_STATUS_UNSPECIFIED;
  return Write<v1::Complaint>(
      r, r.request_id(), "complaint_id", r.complaint_id(), /*creates=*/false,
      [this](const std::string& id) { return store_->GetComplaint(id); },
      [&](const std::optional<v1::Complaint>& current) {
        previous = current->status();
        return followup::AdvanceComplaint(*current, r, Today());
      },
      [&](const v1::Complaint& after, v1::FollowupEvent* e) {
        auto* changed = e->mutable_complaint_status_changed();
        *changed->mutable_complaint() = after;
        changed->set_previous(previous);
      });
}

}  // namespace lov::followup
