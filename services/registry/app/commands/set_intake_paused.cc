// A provider pauses or resumes taking new clients (intagsstopp).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::SetIntakePaused(
    const v1::SetIntakePausedRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SetIntakePaused(m, p, r);
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_intake_pause_changed();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        p->set_paused(r.paused());
        p->set_reason(r.reason());
      });
}

}  // namespace lov::registry
