#include "lov/console/domain/dashboard_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lov::console {

absl::Span<const auth::v1::Role> DashboardRoles() {
  static constexpr auth::v1::Role kRoles[] = {auth::v1::ROLE_OPERATOR,
                                              auth::v1::ROLE_REGISTRY_OFFICER};
  return kRoles;
}

std::string DashboardRule() {
  return absl::StrCat("the dashboard is for the roles ",
                      absl::StrJoin(DashboardRoles(), ", ",
                                    [](std::string* out, auth::v1::Role r) {
                                      out->append(RoleName(r));
                                    }));
}

absl::Status MayOpenDashboard(const auth::Principal& principal) {
  const absl::Span<const auth::v1::Role> roles = DashboardRoles();
  if (std::find(roles.begin(), roles.end(), principal.role) != roles.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(DashboardRule(), "; this sign-in is in the role ",
                   std::string(RoleName(principal.role))));
}

}  // namespace lov::console
