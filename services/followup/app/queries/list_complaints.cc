// Complaints, of one provider or all, the overdue ones flagged (or only
// those), by complaint id a page at a time.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/complaints.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::ListComplaintsResponse> FollowupApp::ListComplaints(
    const v1::ListComplaintsRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of());
  if (!day.ok()) return day.status();
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      ListQuery({"followup.ListComplaints",
                                 request.provider_id(), FormatDate(*day),
                                 request.overdue_only() ? "overdue" : "all"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::Complaint>> all = store_->ListComplaints();
  if (!all.ok()) return all.status();
  std::vector<v1::ComplaintEntry> listed;
  for (v1::Complaint& c : *all) {
    if (!request.provider_id().empty() &&
        c.provider_id() != request.provider_id()) {
      continue;
    }
    const bool overdue = ComplaintOverdue(c, *day);
    if (request.overdue_only() && !overdue) continue;
    v1::ComplaintEntry entry;
    *entry.mutable_complaint() = std::move(c);
    entry.set_overdue(overdue);
    listed.push_back(std::move(entry));
  }
  v1::ListComplaintsResponse out;
  for (auto& e : TakePage(
           std::move(listed), *page,
           [](const v1::ComplaintEntry& e) {
             return PageKey{e.complaint().complaint_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_complaints() = std::move(e);
  }
  return out;
}

}  // namespace lov::followup
