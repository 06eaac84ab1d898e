#include "lov/platform/auth/dev_issuer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "identity_fixtures.h"
#include "lov/platform/auth/principal.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/ids.h"
#include "status_matchers.h"

namespace lov::auth {
namespace {

using ::lov::testing::IsError;
using Role = v1::Role;

class FixedClock : public Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1740819600); }
};

// A fresh folder per test, removed afterwards.
class DevIssuerFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("lov-dev-issuer-", NewUuid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return dir_ / name; }

  FixedClock clock_;
  std::filesystem::path dir_;
};

TEST_F(DevIssuerFilesTest, TheKeyIsMadeOnceWithMode0600AndLoadedAfterwards) {
  const std::string key_path = PathOf("dev-issuer.jwk");
  EXPECT_TRUE(absl::IsNotFound(DevIssuer::Load(key_path, &clock_).status()));
  absl::StatusOr<DevIssuer> made = DevIssuer::LoadOrCreate(key_path, &clock_);
  ASSERT_TRUE(made.ok()) << made.status();
  struct stat info {};
  ASSERT_EQ(::stat(key_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  absl::StatusOr<DevIssuer> again = DevIssuer::LoadOrCreate(key_path, &clock_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->kid(), made->kid());

  // A token from the first instance verifies with the key set of the second.
  const std::string jwks_path = PathOf("dev-jwks.json");
  ASSERT_TRUE(again->WritePublicJwks(jwks_path).ok());
  auto verifier = TokenVerifier::FromJwksFile(
      jwks_path, DevIssuer::TrustOptions(), &clock_);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<std::string> token =
      made->Issue(auth::v1::ROLE_OPERATOR, "SE2321000016-0007", "0180", "",
                  absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<Principal> principal = (*verifier)->Verify(*token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, auth::v1::ROLE_OPERATOR);
  EXPECT_EQ(principal->subject, "SE2321000016-0007");
}

TEST_F(DevIssuerFilesTest, AKeyFileOthersCanReadIsRefused) {
  const std::string key_path = PathOf("dev-issuer.jwk");
  ASSERT_TRUE(DevIssuer::LoadOrCreate(key_path, &clock_).ok());
  ASSERT_EQ(::chmod(key_path.c_str(), 0644), 0);
  EXPECT_TRUE(IsError(DevIssuer::Load(key_path, &clock_).status(),
                      absl::StatusCode::kFailedPrecondition, {"chmod 600"}));
}

TEST_F(DevIssuerFilesTest, AFileThatIsNotAPrivateKeyIsRefused) {
  const std::string key_path = PathOf("dev-issuer.jwk");
  absl::StatusOr<DevIssuer> issuer = DevIssuer::Generate(&clock_);
  ASSERT_TRUE(issuer.ok());
  { std::ofstream(key_path) << issuer->PublicJwks(); }
  ASSERT_EQ(::chmod(key_path.c_str(), 0600), 0);
  EXPECT_TRUE(IsError(DevIssuer::Load(key_path, &clock_).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"not a private EC P-256 JWK"}));
}

TEST(DevIssuerTest, ThePublicKeySetHasNoPrivatePart) {
  FixedClock clock;
  absl::StatusOr<DevIssuer> issuer = DevIssuer::Generate(&clock);
  ASSERT_TRUE(issuer.ok());
  const std::string jwks = issuer->PublicJwks();
  EXPECT_EQ(jwks.find("\"d\""), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(issuer->kid()), std::string::npos);
}

TEST(DevIssuerTest, ItIssuesOnlyTokensTheVerifierWouldAccept) {
  FixedClock clock;
  absl::StatusOr<DevIssuer> issuer = DevIssuer::Generate(&clock);
  ASSERT_TRUE(issuer.ok());
  EXPECT_TRUE(IsError(issuer
                          ->Issue(auth::v1::ROLE_PROVIDER, "SE2321000016-0001",
                                  "", "", absl::Hours(1))
                          .status(),
                      absl::StatusCode::kInvalidArgument, {"provider id"}));
  EXPECT_TRUE(IsError(
      issuer
          ->Issue(auth::v1::ROLE_FINANCE, ::lov::testing::TestPersonnummer(1),
                  "", "", absl::Hours(1))
          .status(),
      absl::StatusCode::kInvalidArgument, {"personal identity number"}));
  EXPECT_TRUE(IsError(issuer
                          ->Issue(auth::v1::ROLE_FINANCE, "SE2321000016-0001",
                                  "", "", absl::ZeroDuration())
                          .status(),
                      absl::StatusCode::kInvalidArgument, {"lifetime"}));
}

TEST(PrincipalTest, RoleNamesRoundTrip) {
  EXPECT_EQ(AllRoles().size(), 7u);
  for (Role role : AllRoles()) {
    absl::StatusOr<Role> parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(RoleName(auth::v1::ROLE_REGISTRY_OFFICER), "registry_officer");
  EXPECT_TRUE(IsError(ParseRole("admin").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"unknown role", "case_officer"}));
  // The enum's zero value is no role: no token may carry it.
  EXPECT_FALSE(ParseRole("unspecified").ok());
  EXPECT_FALSE(ParseRole("").ok());
}

TEST(PrincipalTest, TheLogFormHasNoNameAndNoPersonnummer) {
  Principal provider{.subject = "SE2321000016-1234",
                     .display_name = "Bo Utförare",
                     .role = auth::v1::ROLE_PROVIDER,
                     .organisation = "5566001234",
                     .provider_id = "prv-7"};
  EXPECT_EQ(DescribeForLog(provider),
            "provider SE2321000016-1234 org=5566001234 provider=prv-7");
  const std::string pnr = ::lov::testing::TestPersonnummer(2);
  Principal careless{.subject = pnr, .role = auth::v1::ROLE_SERVICE};
  EXPECT_EQ(DescribeForLog(careless), "service [redacted]");
  // Without the century (1212121212: Luhn and date by hand).
  Principal ten_digits{.subject = "anna-121212-1212",
                       .role = auth::v1::ROLE_SERVICE};
  EXPECT_EQ(DescribeForLog(ten_digits), "service [redacted]");
}

}  // namespace
}  // namespace lov::auth
