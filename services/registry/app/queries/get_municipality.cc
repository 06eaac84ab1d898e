// The municipality's set-up: zones, categories, rules of choice.
#include "lov/registry/app/registry_app.h"

namespace lov::registry {

absl::StatusOr<v1::Municipality> RegistryApp::GetMunicipality() {
  return RequireMunicipality();
}

}  // namespace lov::registry
