// The municipality imposes a sanction: a suspension or a termination (hävning).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/sanction_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::ImposeSanction(
    const v1::ImposeSanctionRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::ImposeSanction(p, r, Today());
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        auto* p = e->mutable_sanction_imposed();
        *p->mutable_provider() = after;
        *p->mutable_sanction() = after.sanctions(after.sanctions_size() - 1);
      });
}

}  // namespace lov::registry
