// Each provider's comparable indicators as of a date (empty: today), with
// one row per zone on request, by provider and zone a page at a time; the
// same fields for every provider, the in-house unit included.
#include "lov/followup/app/followup_app.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::ListIndicatorsResponse> FollowupApp::ListIndicators(
    const v1::ListIndicatorsRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of());
  if (!day.ok()) return day.status();
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"followup.ListIndicators", request.provider_id(),
                 request.by_zone() ? "zones" : "providers", FormatDate(*day)}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::ProviderIndicators>> all =
      IndicatorsAsOf(*day, request.by_zone());
  if (!all.ok()) return all.status();
  std::vector<v1::ProviderIndicators> rows;
  for (v1::ProviderIndicators& r : *all) {
    if (!request.provider_id().empty() &&
        r.provider_id() != request.provider_id()) {
      continue;
    }
    rows.push_back(std::move(r));
  }
  v1::ListIndicatorsResponse out;
  // The all-zones row's empty zone id sorts first.
  for (auto& row : TakePage(
           std::move(rows), *page,
           [](const v1::ProviderIndicators& r) {
             return PageKey{r.provider_id(), r.zone_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_indicators() = std::move(row);
  }
  return out;
}

}  // namespace lov::followup
