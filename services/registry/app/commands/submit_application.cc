// A provider applies for approval in zones and categories (ansökan).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::SubmitApplication(
    const v1::SubmitApplicationRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SubmitApplication(m, p, r, clock_->Now());
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        auto* p = e->mutable_application_submitted();
        *p->mutable_provider() = after;
        p->set_application_id(
            after.applications(after.applications_size() - 1).application_id());
      });
}

}  // namespace lov::registry
