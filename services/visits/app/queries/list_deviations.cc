// The clients whose performed time deviates from the granted time by at
// least a threshold (25 % unless asked), for the municipality's follow-up.
// By client and category, a page at a time; the clients' months are read a
// batch per round trip, never one client at a time.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/platform/paging.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::ListDeviationsResponse> VisitsApp::ListDeviations(
    const v1::ListDeviationsRequest& request) {
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  const double threshold =
      request.threshold_percent() > 0 ? request.threshold_percent() : 25.0;
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"visits.ListDeviations", request.period(),
                 absl::StrCat(threshold), request.provider_id()}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<std::string>> clients =
      request.provider_id().empty()
          ? store_->ClientsOfPeriod(request.period())
          : store_->ClientsOfProvider(request.provider_id(), request.period());
  if (!clients.ok()) return clients.status();
  std::sort(clients->begin(), clients->end());
  auto next = clients->begin();
  // Clients before the position's client have nothing left to give.
  if (!page->after.empty()) {
    next =
        std::lower_bound(clients->begin(), clients->end(), page->after.front());
  }
  PageBuilder<v1::PerformedVsGranted> rows(*page);
  // A page's worth of clients and one more, and the position's own client,
  // which may have nothing left to give; more batches while clients deviate
  // too little to fill the page.
  const ptrdiff_t batch_size = page->size + 1 + (page->after.empty() ? 0 : 1);
  while (next != clients->end() && !rows.full()) {
    const auto end =
        next + std::min<ptrdiff_t>(batch_size, clients->end() - next);
    const std::vector<std::string> batch(next, end);
    absl::StatusOr<std::vector<ClientMonth>> months =
        store_->ClientMonths(batch, request.period());
    if (!months.ok()) return months.status();
    for (size_t i = 0; i < batch.size() && !rows.full(); ++i) {
      // RowsOf gives them by category.
      for (auto& row : RowsOf(batch[i], "", request.period(), (*months)[i])) {
        if (!IsLargeDeviation(row, threshold)) continue;
        PageKey key{row.client_id(), row.category_id()};
        rows.Offer(std::move(key), std::move(row));
      }
    }
    next = end;
  }
  v1::ListDeviationsResponse out;
  for (auto& row : rows.Take(out.mutable_next_page_token())) {
    *out.add_rows() = std::move(row);
  }
  return out;
}

}  // namespace lov::visits
