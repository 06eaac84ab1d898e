#ifndef LOV_SERVICES_CHOICE_APP_QUERIES_CLIENT_PAGES_H_
#define LOV_SERVICES_CHOICE_APP_QUERIES_CLIENT_PAGES_H_

// Lists whose items belong to clients (assignments, re-choice cases), keyed
// by client id first: a page reads its clients in batches, one round trip
// per batch, from the client of the page's position on.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lov/choice/ports.h"
#include "lov/platform/paging.h"

namespace lov::choice {

// Calls `offer(client_id, client)` for each of `client_ids` in id order
// (client nullopt: unknown id) until `page` is full. `offer` gives the
// client's items to the page in key order, keys starting with the client
// id; an error from it ends the walk.
template <typename T, typename Offer>
absl::Status WalkClients(ChoiceStore& store,
                         std::vector<std::string> client_ids,
                         const PageRequest& request, PageBuilder<T>& page,
                         Offer offer) {
  std::sort(client_ids.begin(), client_ids.end());
  auto next = client_ids.begin();
  // Clients before the position's client have nothing left to give.
  if (!request.after.empty()) {
    next = std::lower_bound(client_ids.begin(), client_ids.end(),
                            request.after.front());
  }
  // A page's worth and one more (each client that gives anything gives at
  // least one item), and the position's own client, which may have nothing
  // left to give.
  const ptrdiff_t batch_size =
      request.size + 1 + (request.after.empty() ? 0 : 1);
  while (next != client_ids.end() && !page.full()) {
    const auto end =
        next + std::min<ptrdiff_t>(batch_size, client_ids.end() - next);
    const std::vector<std::string> batch(next, end);
    absl::StatusOr<std::vector<std::optional<v1::Client>>> clients =
        store.GetClients(batch);
    if (!clients.ok()) return clients.status();
    for (size_t i = 0; i < batch.size() && !page.full(); ++i) {
      if (absl::Status s = offer(batch[i], (*clients)[i]); !s.ok()) return s;
    }
    next = end;
  }
  return absl::OkStatus();
}

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_QUERIES_CLIENT_PAGES_H_
