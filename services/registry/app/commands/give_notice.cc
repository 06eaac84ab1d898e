// A provider gives notice to leave a zone or the system (uppsägning).
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::GiveNotice(
    const v1::GiveNoticeRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::GiveNotice(m, p, r, Today());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_notice_given();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        p->set_effective_date(
            after.notices(after.notices_size() - 1).effective_date());
        p->set_reason(r.reason());
      });
}

}  // namespace lov::registry
