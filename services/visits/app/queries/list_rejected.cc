// The reports of a provider rejected in a month, with the reason of each:
// nothing reported is silently dropped. A page at a time.
#include "lov/platform/paging.h"
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
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      ListQuery({"visits.ListRejected", request.provider_id(),
                                 request.period()}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::VisitRejected>> r =
      store_->ListRejected(request.provider_id(), request.period());
  if (!r.ok()) return r.status();
  // The store keeps them in the order they were recorded, which differs
  // between the live path (the request or the projection, whichever comes
  // first) and a rebuild (the topic's partitions interleaved): listed by the
  // report's start, then its ids, then a fingerprint of the rejection, so a
  // rebuild lists them the same way.
  v1::ListRejectedResponse out;
  for (auto& x : TakePage(
           *std::move(r), *page,
           [](const v1::VisitRejected& x) {
             return PageKey{SortableNumber(x.report().start().seconds()),
                            SortableNumber(x.report().start().nanos()),
                            x.report_id(), x.report().visit_id(),
                            ListQuery({SerializeDeterministic(x)})};
           },
           out.mutable_next_page_token())) {
    *out.add_rejected() = std::move(x);
  }
  return out;
}

}  // namespace lov::visits
