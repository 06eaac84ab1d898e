#include "lov/console/domain/dashboard_access.h"

#include <gtest/gtest.h>

namespace lov::console {
namespace {

using auth::Role;

auth::Principal In(Role role) {
  auth::Principal p;
  p.subject = "SE2321000016-1234";
  p.role = role;
  return p;
}

TEST(DashboardAccessTest, OperatorAndRegistryOfficerMayOpenIt) {
  EXPECT_TRUE(MayOpenDashboard(In(Role::kOperator)).ok());
  EXPECT_TRUE(MayOpenDashboard(In(Role::kRegistryOfficer)).ok());
}

TEST(DashboardAccessTest, EveryOtherRoleIsRefusedNamingTheRule) {
  for (Role role : {Role::kCaseOfficer, Role::kProvider, Role::kFinance,
                    Role::kAuditor, Role::kService}) {
    absl::Status s = MayOpenDashboard(In(role));
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied)
        << auth::RoleName(role);
    EXPECT_EQ(s.message(),
              std::string("the dashboard is for the roles operator, "
                          "registry_officer; this sign-in is in the role ") +
                  std::string(auth::RoleName(role)));
  }
}

TEST(DashboardAccessTest, TheRuleNamesTheRoles) {
  EXPECT_EQ(DashboardRule(),
            "the dashboard is for the roles operator, registry_officer");
}

}  // namespace
}  // namespace lov::console
