// The municipality lifts a suspension.
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/sanction_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::LiftSuspension(
    const v1::LiftSuspensionRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::LiftSuspension(p, r, Today());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_suspension_lifted();
        *p->mutable_provider() = after;
        p->set_sanction_id(r.sanction_id());
        p->set_reason(r.reason());
      });
}

}  // namespace lov::registry
