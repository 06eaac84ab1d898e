// A provider caps the clients or granted hours it takes in a zone
// (kapacitetstak).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::SetCapacity(
    const v1::SetCapacityRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SetCapacity(m, p, r, Today());
      },
      [&r](const v1::Provider& before, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_capacity_changed();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        for (const auto& c : before.capacity()) {
          if (c.zone_id() == r.zone_id()) *p->mutable_previous() = c;
        }
        for (const auto& c : after.capacity()) {
          if (c.zone_id() == r.zone_id()) *p->mutable_current() = c;
        }
      });
}

}  // namespace lov::registry
