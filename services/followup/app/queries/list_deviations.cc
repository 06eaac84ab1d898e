// Deviations, of one provider or all, lex Sarah reports overdue at IVO
// flagged (or only those), by deviation id a page at a time.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/deviations.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::ListDeviationsResponse> FollowupApp::ListDeviations(
    const v1::ListDeviationsRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of());
  if (!day.ok()) return day.status();
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      ListQuery({"followup.ListDeviations",
                                 request.provider_id(), FormatDate(*day),
                                 request.overdue_only() ? "overdue" : "all"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::Deviation>> all = store_->ListDeviations();
  if (!all.ok()) return all.status();
  std::vector<v1::DeviationEntry> listed;
  for (v1::Deviation& d : *all) {
    if (!request.provider_id().empty() &&
        d.provider_id() != request.provider_id()) {
      continue;
    }
    const bool overdue = DeviationOverdue(d, *day);
    if (request.overdue_only() && !overdue) continue;
    v1::DeviationEntry entry;
    *entry.mutable_deviation() = std::move(d);
    entry.set_overdue(overdue);
    listed.push_back(std::move(entry));
  }
  v1::ListDeviationsResponse out;
  for (auto& e : TakePage(
           std::move(listed), *page,
           [](const v1::DeviationEntry& e) {
             return PageKey{e.deviation().deviation_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_deviations() = std::move(e);
  }
  return out;
}

}  // namespace lov::followup
