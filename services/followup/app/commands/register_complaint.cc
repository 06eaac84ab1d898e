// Staff register a complaint (klagomål) from a client or a relative; its
// reply is due 14 calendar days after receipt.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/complaints.h"

namespace lov::followup {

absl::StatusOr<v1::Complaint> FollowupApp::RegisterComplaint(
    const v1::RegisterComplaintRequest& r) {
  if (absl::Status s = RequireRequestId(r.request_id()); !s.ok()) return s;
  return Write<v1::Complaint>(
      r, r.request_id(), "complaint_id", IdFor("cmp", r.request_id()),
      /*creates=*/true,
      [this](const std::string& id) { return store_->GetComplaint(id); },
      [&](const std::optional<v1::Complaint>&) {
        return followup::RegisterComplaint(r, IdFor("cmp", r.request_id()),
                                           Today());
      },
      [](const v1::Complaint& after, v1::FollowupEvent* e) {
        *e->mutable_complaint_registered()->mutable_complaint() = after;
      });
}

}  // namespace lov::followup
