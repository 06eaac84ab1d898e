#include "lov/console/domain/dashboard_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lov::console {

absl::Span<const auth::Role> DashboardRoles() {
  static constexpr auth::Role kRoles[] = {auth::Role::kOperator,
                                          auth::Role::kRegistryOfficer};
  return kRoles;
}

std::string DashboardRule() {
  return absl::StrCat(
      "the dashboard is for the roles ",
      absl::StrJoin(DashboardRoles(), ", ", [](std::string* out, auth::Role r) {
        out->append(auth::RoleName(r));
      }));
}

absl::Status MayOpenDashboard(const auth::Principal& principal) {
  const absl::Span<const auth::Role> roles = DashboardRoles();
  if (std::find(roles.begin(), roles.end(), principal.role) != roles.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(DashboardRule(), "; this sign-in is in the role ",
                   std::string(auth::RoleName(principal.role))));
}

}  // namespace lov::console
