// A registry officer approves or rejects an application (beslut om
// godkännande).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::DecideApplication(
    const v1::DecideApplicationRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::DecideApplication(m, p, r, Today(), clock_->Now());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        const v1::Application* app = nullptr;
        for (const auto& a : after.applications()) {
          if (a.application_id() == r.application_id()) app = &a;
        }
        if (r.approve()) {
          auto* p = e->mutable_application_approved();
          *p->mutable_provider() = after;
          p->set_application_id(r.application_id());
          p->set_effective_date(app->effective_date());
          *p->mutable_zone_ids() = app->zone_ids();
          *p->mutable_category_ids() = app->category_ids();
        } else {
          auto* p = e->mutable_application_rejected();
          *p->mutable_provider() = after;
          p->set_application_id(r.application_id());
          p->set_reason(r.reason());
        }
      });
}

}  // namespace lov::registry
