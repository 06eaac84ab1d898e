// The reports of a provider rejected in a month, with the reason of each:
// nothing reported is silently dropped.
#include <algorithm>
#include <tuple>

#include "lov/platform/proto_util.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::ListRejectedResponse> VisitsApp::ListRejected(
    const v1::ListRejectedRequest& request) {
  if (absl::Status s = RequireFields({{&request.provider_id(), "provider_id"}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  absl::StatusOr<std::vector<v1::VisitRejected>> r =
      store_->ListRejected(request.provider_id(), request.period());
  if (!r.ok()) return r.status();
  // The store keeps them in the order they were recorded, which differs
  // between the live path (the request or the projection, whichever comes
  // first) and a rebuild (the topic's partitions interleaved): listed by the
  // report's start, then its ids, so a rebuild lists them the same way.
  using Key =
      std::tuple<int64_t, int32_t, std::string, std::string, std::string>;
  std::vector<std::pair<Key, v1::VisitRejected*>> order;
  order.reserve(r->size());
  for (auto& x : *r) {
    Key key{x.report().start().seconds(), x.report().start().nanos(),
            x.report_id(), x.report().visit_id(), SerializeDeterministic(x)};
    order.emplace_back(std::move(key), &x);
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  v1::ListRejectedResponse out;
  for (auto& [key, x] : order) *out.add_rejected() = std::move(*x);
  return out;
}

}  // namespace lov::visits
