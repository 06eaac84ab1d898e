#include "lov/console/domain/dashboard_access.h"

#include <gtest/gtest.h>

namespace lov::console {
namespace {

using Role = auth::v1::Role;

auth::Principal In(Role role) {
  auth::Principal p;
  p.subject = "SE2321000016-1234";
  p.role = role;
  return p;
}

TEST(DashboardAccessTest, OperatorAndRegistryOfficerMayOpenIt) {
  EXPECT_TRUE(MayOpenDashboard(In(auth::v1::ROLE_OPERATOR)).ok());
  EXPECT_TRUE(MayOpenDashboard(In(auth::v1::ROLE_REGISTRY_OFFICER)).ok());
}

TEST(DashboardAccessTest, EveryOtherRoleIsRefusedNamingTheRule) {
  for (Role role : {auth::v1::ROLE_CASE_OFFICER, auth::v1::ROLE_PROVIDER,
                    auth::v1::ROLE_FINANCE, auth::v1::ROLE_AUDITOR,
                    auth::v1::ROLE_SERVICE}) {
    absl::Status s = MayOpenDashboard(In(role));
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << RoleName(role);
    EXPECT_EQ(s.message(),
              std::string("the dashboard is for the roles operator, "
                          "registry_officer; this sign-in is in the role ") +
                  std::string(RoleName(role)));
  }
}

TEST(DashboardAccessTest, TheRuleNamesTheRoles) {
  EXPECT_EQ(DashboardRule(),
            "the dashboard is for the roles operator, registry_officer");
}

}  // namespace
}  // namespace lov::console
