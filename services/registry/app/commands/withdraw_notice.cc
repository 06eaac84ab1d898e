// A provider withdraws a notice before it takes effect.
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::WithdrawNotice(
    const v1::WithdrawNoticeRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::WithdrawNotice(m, p, r, Today());
      },
      [&r](const v1::Provider& before, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_notice_withdrawn();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        for (int i = 0; i < after.notices_size(); ++i) {
          if (after.notices(i).withdrawn() && !before.notices(i).withdrawn()) {
            p->set_effective_date(after.notices(i).effective_date());
          }
        }
        p->set_reason(r.reason());
      });
}

}  // namespace lov::registry
