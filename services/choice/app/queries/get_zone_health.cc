// How many providers a client may choose among per zone and category on a
// day; fewer than two means no real choice there.
#include <map>

#include "lov/choice/app/choice_app.h"

namespace lov::choice {

absl::StatusOr<v1::GetZoneHealthResponse> ChoiceApp::GetZoneHealth(
    const v1::GetZoneHealthRequest& request) {
  absl::StatusOr<ChoiceContext> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  absl::StatusOr<absl::CivilDay> day =
      DateOr("as_of", request.as_of(), ctx->today);
  if (!day.ok()) return day.status();
  if (!request.zone_id().empty()) {
    if (absl::Status s = RequireZone(ctx->municipality, request.zone_id());
        !s.ok()) {
      return s;
    }
  }
  std::vector<std::string> ids;
  for (const auto& p : ctx->providers) ids.push_back(p.provider_id());
  v1::GetZoneHealthResponse out;
  for (const auto& z : ctx->municipality.zones()) {
    if (!request.zone_id().empty() && z.zone_id() != request.zone_id()) {
      continue;
    }
    absl::StatusOr<std::map<std::string, Occupancy>> occupied =
        store_->Occupied(ids, z.zone_id(), *day, /*except_client_id=*/"");
    if (!occupied.ok()) return occupied.status();
    for (auto& h :
         ZoneHealthOf(ctx->municipality, ctx->providers, z.zone_id(), *day,
                      [&](const std::string& id) { return (*occupied)[id]; })) {
      *out.add_zones() = std::move(h);
    }
  }
  return out;
}

}  // namespace lov::choice
