// A provider's visits whose current version has exceptions (outside the
// hours, far over the granted time, manual evidence), awaiting review or,
// on request, reviewed too. By the visit's start, then id, a page at a
// time; the histories are read a batch per round trip, never one visit at
// a time.
#include <algorithm>

#include "lov/platform/paging.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::ListExceptionsResponse> VisitsApp::ListExceptions(
    const v1::ListExceptionsRequest& request) {
  if (absl::Status s = RequireFields({{&request.provider_id(), "provider_id"}});
      !s.ok()) {
    return s;
  }
  if (!request.period().empty()) {
    if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"visits.ListExceptions", request.provider_id(),
                 request.period(),
                 request.include_reviewed() ? "reviewed too" : "waiting"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<ExceptionRef>> refs =
      store_->ExceptionVisits(request.provider_id());
  if (!refs.ok()) return refs.status();
  // The page's candidates: after the position, in key order.
  std::vector<std::pair<PageKey, std::string>> candidates;
  PageBuilder<v1::ExceptionEntry> entries(*page);
  for (auto& ref : *refs) {
    PageKey key{SortableNumber(ref.start_ms), ref.visit_id};
    if (entries.Wants(key)) {
      candidates.emplace_back(std::move(key), std::move(ref.visit_id));
    }
  }
  std::sort(candidates.begin(), candidates.end());
  auto next = candidates.begin();
  while (next != candidates.end() && !entries.full()) {
    // Reviewed ones may be left out: a batch of a page's size and one more.
    const auto end =
        next + std::min<ptrdiff_t>(page->size + 1, candidates.end() - next);
    std::vector<std::string> ids;
    for (auto it = next; it != end; ++it) ids.push_back(it->second);
    absl::StatusOr<std::vector<std::vector<v1::VisitEvent>>> histories =
        store_->Histories(ids);
    if (!histories.ok()) return histories.status();
    for (size_t i = 0; i < ids.size() && !entries.full(); ++i) {
      std::optional<v1::ExceptionEntry> entry =
          ExceptionEntryOf((*histories)[i]);
      if (!entry || entry->exceptions().empty()) continue;
      if (entry->has_review() && !request.include_reviewed()) continue;
      if (!request.period().empty() &&
          entry->visit().period() != request.period()) {
        continue;
      }
      entries.Offer(next[i].first, std::move(*entry));
    }
    next = end;
  }
  v1::ListExceptionsResponse out;
  for (auto& e : entries.Take(out.mutable_next_page_token())) {
    *out.add_entries() = std::move(e);
  }
  return out;
}

}  // namespace lov::visits
