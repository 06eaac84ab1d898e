// A provider and what it may do in each zone and category on a day.
#include "absl/strings/str_cat.h"
#include "lov/registry/app/queries/as_of.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::registry {

absl::StatusOr<v1::ProviderStatus> RegistryApp::GetProvider(
    const v1::GetProviderRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of(), Today());
  if (!day.ok()) return day.status();
  absl::StatusOr<v1::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  absl::StatusOr<std::optional<v1::Provider>> p =
      store_->GetProvider(request.provider_id());
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", request.provider_id(), "'"));
  }
  return StatusAsOf(*m, **p, *day);
}

}  // namespace lov::registry
