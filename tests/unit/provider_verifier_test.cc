// A verifier made from an identity provider's discovery metadata: its key
// set from its jwks_uri, its issuer, the audience asked for.
#include "lov/platform/auth/provider_verifier.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fixed_clock.h"
#include "lov/platform/auth/dev_issuer.h"
#include "one_answer_server.h"

namespace lov::auth {
namespace {

using lov::testing::FixedClock;
using lov::testing::HttpAnswer;
using lov::testing::OneAnswerServer;

class ProviderVerifierTest : public ::testing::Test {
 protected:
  ProviderVerifierTest()
      : clock_(absl::FromUnixSeconds(1767225600)),  // 2026-01-01
        issuer_(*DevIssuer::Generate(&clock_)),
        idp_(HttpAnswer(200, issuer_.PublicJwks())) {}

  std::unique_ptr<TokenVerifier> Verifier(const std::string& issuer,
                                          const std::string& audience) {
    ProviderMetadata metadata{.issuer = issuer, .jwks_uri = idp_.Url("/jwks")};
    absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
        ProviderVerifier(metadata, audience, "", absl::Seconds(5), &clock_);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }
  std::string Token() const {
    return *issuer_.Issue(v1::ROLE_OPERATOR, "SE2321000016-0P01", "kommunen",
                          "", absl::Hours(1));
  }

  FixedClock clock_;
  DevIssuer issuer_;
  OneAnswerServer idp_;
};

TEST_F(ProviderVerifierTest, TakesTheProvidersTokenForTheAudience) {
  std::unique_ptr<TokenVerifier> verifier =
      Verifier(DevIssuer::kIssuer, DevIssuer::kAudience);
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<Principal> who = verifier->Verify(Token());
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "SE2321000016-0P01");
}

TEST_F(ProviderVerifierTest, RefusesAnotherAudienceOrIssuer) {
  std::unique_ptr<TokenVerifier> other_audience =
      Verifier(DevIssuer::kIssuer, "lov-console");
  ASSERT_NE(other_audience, nullptr);
  EXPECT_FALSE(other_audience->Verify(Token()).ok());
  std::unique_ptr<TokenVerifier> other_issuer =
      Verifier("https://idp.example.org", DevIssuer::kAudience);
  ASSERT_NE(other_issuer, nullptr);
  EXPECT_FALSE(other_issuer->Verify(Token()).ok());
}

TEST(ProviderVerifierFetchTest, AKeySetThatCannotBeFetchedIsAnError) {
  FixedClock clock(absl::FromUnixSeconds(1767225600));
  OneAnswerServer idp(HttpAnswer(404, "not here"));
  ProviderMetadata metadata{.issuer = DevIssuer::kIssuer,
                            .jwks_uri = idp.Url("/jwks")};
  EXPECT_FALSE(ProviderVerifier(metadata, DevIssuer::kAudience, "",
                                absl::Seconds(5), &clock)
                   .ok());
}

}  // namespace
}  // namespace lov::auth
