#include "lov/console/app/dashboard_sign_in.h"

#include <gtest/gtest.h>

#include "lov/console/tests/dev_sign_in.h"

namespace lov::console {
namespace {

using Role = auth::v1::Role;

class DashboardSignInTest : public ::testing::Test {
 protected:
  testing::DevSignIn idp_;
  SessionTable sessions_{&idp_.clock_, 10, absl::Hours(8)};
  DashboardSignIn sign_in_{idp_.verifier(), &sessions_};
};

TEST_F(DashboardSignInTest, AnOperatorTokenOpensASessionUntilItExpires) {
  absl::StatusOr<std::string> id = sign_in_.SignIn(
      idp_.Token(auth::v1::ROLE_OPERATOR, absl::Minutes(30)), "::1");
  ASSERT_TRUE(id.ok()) << id.status();
  absl::StatusOr<auth::Principal> who = sign_in_.Check(*id);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "SE2321000016-7001");
  EXPECT_EQ(who->role, auth::v1::ROLE_OPERATOR);
  idp_.clock_.now_ += absl::Minutes(30);
  EXPECT_EQ(sign_in_.Check(*id).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(DashboardSignInTest, AWorkingDayAtMostForALongToken) {
  std::string id = *sign_in_.SignIn(
      idp_.Token(auth::v1::ROLE_OPERATOR, absl::Hours(24)), "::1");
  idp_.clock_.now_ += absl::Hours(8) - absl::Seconds(1);
  EXPECT_TRUE(sign_in_.Check(id).ok());
  idp_.clock_.now_ += absl::Seconds(1);
  EXPECT_FALSE(sign_in_.Check(id).ok());
}

TEST_F(DashboardSignInTest, AnotherRoleIsRefusedNamingTheRule) {
  absl::StatusOr<std::string> id =
      sign_in_.SignIn(idp_.Token(auth::v1::ROLE_FINANCE), "::1");
  EXPECT_EQ(id.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(id.status().message(),
            "the dashboard is for the roles operator, registry_officer; this "
            "sign-in is in the role finance");
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(DashboardSignInTest, ABadOrExpiredTokenIsUnauthenticatedWithAReason) {
  absl::StatusOr<std::string> bad = sign_in_.SignIn("not-a-token", "::1");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnauthenticated);
  const std::string token =
      idp_.Token(auth::v1::ROLE_OPERATOR, absl::Minutes(5));
  idp_.clock_.now_ += absl::Hours(1);
  absl::StatusOr<std::string> expired = sign_in_.SignIn(token, "::1");
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos)
      << expired.status();
  EXPECT_EQ(expired.status().message().find(token), std::string::npos);
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(DashboardSignInTest, SignOutEndsTheSession) {
  std::string id =
      *sign_in_.SignIn(idp_.Token(auth::v1::ROLE_REGISTRY_OFFICER), "::1");
  EXPECT_TRUE(sign_in_.Check(id).ok());
  // A pasted token is an access token: it is not kept for an IdP sign-out.
  EXPECT_EQ(sign_in_.SignOut(id), "");
  EXPECT_FALSE(sign_in_.Check(id).ok());
  EXPECT_FALSE(sign_in_.Check("").ok());
}

// The dashboard is never open without sign-in: without an identity
// provider nobody gets a session.
TEST(DashboardSignInClosedTest, WithoutAVerifierNobodyIsIn) {
  testing::DevSignIn idp;
  SessionTable sessions(&idp.clock_, 10, absl::Hours(8));
  DashboardSignIn closed(nullptr, &sessions);
  absl::StatusOr<std::string> id =
      closed.SignIn(idp.Token(auth::v1::ROLE_OPERATOR), "::1");
  EXPECT_EQ(id.status().code(), absl::StatusCode::kUnauthenticated)
      << id.status();
  EXPECT_NE(id.status().message().find("no identity provider configured"),
            std::string::npos)
      << id.status();
  EXPECT_EQ(closed.Check("").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(sessions.size(), 0u);
}

}  // namespace
}  // namespace lov::console
