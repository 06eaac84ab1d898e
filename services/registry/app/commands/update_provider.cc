// A provider changes its profile (name, contact, languages, ...).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::UpdateProvider(
    const v1::UpdateProviderRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::UpdateProvider(p, r);
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        *e->mutable_provider_updated()->mutable_provider() = after;
      });
}

}  // namespace lov::registry
