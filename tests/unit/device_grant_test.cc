// The device authorization grant (RFC 8628) and OIDC discovery, without a
// network: the identity provider's answers are written out by hand, and the
// polling loop runs on a fake clock that its sleep moves.
#include "lov/platform/auth/device_grant.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/auth/oidc_discovery.h"
#include "status_matchers.h"

namespace lov::auth {
namespace {

using ::lov::testing::IsError;

class SteppedClock : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1764680000);
};

HttpAnswer Error(const char* code) {
  return {400, absl::StrCat(R"({"error":")", code, R"("})")};
}

// A token endpoint that answers from a script and records what it was sent
// and how long the client slept before each request.
struct FakeTokenEndpoint {
  std::deque<absl::StatusOr<HttpAnswer>> script;
  std::vector<absl::Duration> sleeps;
  std::vector<FormFields> forms;
  SteppedClock clock;

  DeviceGrantPorts Ports() {
    return {[this](const FormFields& form) -> absl::StatusOr<HttpAnswer> {
              forms.push_back(form);
              absl::StatusOr<HttpAnswer> next = script.front();
              if (script.size() > 1) script.pop_front();
              return next;
            },
            [this](absl::Duration d) {
              sleeps.push_back(d);
              clock.now += d;
            },
            &clock};
  }
};

DeviceAuthorization Grant(absl::Duration expires_in = absl::Seconds(600)) {
  return {"dev-code-1", "WDJB-MJHT", "https://idp.example.se/activate",
          "",           expires_in,  absl::Seconds(5)};
}

TEST(DeviceAuthorizationTest, ReadsTheCodeAndDefaultsTheIntervalToFiveSeconds) {
  absl::StatusOr<DeviceAuthorization> grant = ParseDeviceAuthorization(
      {200, R"({"device_code":"d1","user_code":"WDJB-MJHT",
                "verification_uri":"https://idp.example.se/activate",
                "expires_in":900})"});
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ(grant->device_code, "d1");
  EXPECT_EQ(grant->user_code, "WDJB-MJHT");
  EXPECT_EQ(grant->verification_uri, "https://idp.example.se/activate");
  EXPECT_EQ(grant->expires_in, absl::Seconds(900));
  EXPECT_EQ(grant->interval, absl::Seconds(5));
}

TEST(DeviceAuthorizationTest, AMissingFieldOrARefusalIsNamed) {
  EXPECT_TRUE(IsError(ParseDeviceAuthorization({200, R"({"device_code":"d1",
          "verification_uri":"https://x","expires_in":900})"})
                          .status(),
                      absl::StatusCode::kFailedPrecondition, {"no user_code"}));
  EXPECT_TRUE(IsError(ParseDeviceAuthorization({200, "not json"}).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"no device_code"}));
  EXPECT_TRUE(IsError(
      ParseDeviceAuthorization({401, R"({"error":"invalid_client"})"}).status(),
      absl::StatusCode::kFailedPrecondition, {"HTTP 401", "invalid_client"}));
}

TEST(PollForTokensTest, PendingThenSlowDownThenTokensWaitsAsTheIdpAsks) {
  FakeTokenEndpoint idp;
  idp.script = {Error("authorization_pending"), Error("slow_down"),
                Error("authorization_pending"),
                HttpAnswer{200, R"({"access_token":"a.b.c","id_token":"i.d.t",
                                    "token_type":"Bearer","expires_in":3600})"}};

  absl::StatusOr<TokenSet> tokens =
      PollForTokens(Grant(), "lovctl", idp.Ports());

  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->access_token, "a.b.c");
  EXPECT_EQ(tokens->id_token, "i.d.t");
  EXPECT_EQ(tokens->expires_in, absl::Seconds(3600));
  // 5 s before each poll; slow_down adds 5 s for every later one.
  EXPECT_EQ(idp.sleeps, (std::vector<absl::Duration>{
                            absl::Seconds(5), absl::Seconds(5),
                            absl::Seconds(10), absl::Seconds(10)}));
  const FormFields expected = {
      {"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
      {"device_code", "dev-code-1"},
      {"client_id", "lovctl"}};
  ASSERT_EQ(idp.forms.size(), 4u);
  EXPECT_EQ(idp.forms[3], expected);
}

TEST(PollForTokensTest, DenialAndTheIdpsExpiryEndThePolling) {
  FakeTokenEndpoint denied;
  denied.script = {Error("authorization_pending"), Error("access_denied")};
  EXPECT_TRUE(IsError(PollForTokens(Grant(), "lovctl", denied.Ports()).status(),
                      absl::StatusCode::kPermissionDenied,
                      {"denied", "nothing was stored"}));
  EXPECT_EQ(denied.forms.size(), 2u);

  FakeTokenEndpoint expired;
  expired.script = {Error("expired_token")};
  EXPECT_TRUE(
      IsError(PollForTokens(Grant(), "lovctl", expired.Ports()).status(),
              absl::StatusCode::kDeadlineExceeded, {"code expired"}));
  EXPECT_EQ(expired.forms.size(), 1u);
}

TEST(PollForTokensTest, StopsAtExpiresInWithoutAskingAgain) {
  FakeTokenEndpoint idp;
  idp.script = {Error("authorization_pending")};

  // 22 s: polls at 5, 10, 15 and 20 s; the wait to 25 s passes the expiry.
  absl::Status status =
      PollForTokens(Grant(absl::Seconds(22)), "lovctl", idp.Ports()).status();

  EXPECT_TRUE(
      IsError(status, absl::StatusCode::kDeadlineExceeded, {"code expired"}));
  EXPECT_EQ(idp.forms.size(), 4u);
}

TEST(PollForTokensTest, NoAnswerDoublesTheWaitAndAnUnknownErrorStops) {
  FakeTokenEndpoint idp;
  idp.script = {absl::UnavailableError("no answer"),
                Error("authorization_pending"), Error("invalid_client")};

  absl::Status status = PollForTokens(Grant(), "lovctl", idp.Ports()).status();

  EXPECT_TRUE(IsError(status, absl::StatusCode::kFailedPrecondition,
                      {"HTTP 400", "invalid_client"}));
  EXPECT_EQ(status.message().find("dev-code-1"), std::string::npos);
  EXPECT_EQ(idp.sleeps,
            (std::vector<absl::Duration>{absl::Seconds(5), absl::Seconds(10),
                                         absl::Seconds(10)}));
}

TEST(PollForTokensTest, TokensWithoutAnAccessTokenAreRefused) {
  FakeTokenEndpoint idp;
  idp.script = {HttpAnswer{200, R"({"token_type":"Bearer"})"}};
  EXPECT_TRUE(IsError(PollForTokens(Grant(), "lovctl", idp.Ports()).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"no access_token"}));
}

TEST(ProviderMetadataTest, ReadsTheEndpoints) {
  absl::StatusOr<ProviderMetadata> m = ParseProviderMetadata(
      R"({"issuer":"https://idp.example.se",
          "jwks_uri":"https://idp.example.se/jwks",
          "token_endpoint":"https://idp.example.se/token",
          "authorization_endpoint":"https://idp.example.se/authorize",
          "device_authorization_endpoint":"https://idp.example.se/device"})",
      "https://idp.example.se");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->jwks_uri, "https://idp.example.se/jwks");
  EXPECT_EQ(m->token_endpoint, "https://idp.example.se/token");
  EXPECT_EQ(m->authorization_endpoint, "https://idp.example.se/authorize");
  EXPECT_EQ(m->device_authorization_endpoint, "https://idp.example.se/device");
}

TEST(PollForTokensTest, ARefreshTokenComesWithTheTokens) {
  absl::StatusOr<PollAnswer> with = ReadPollAnswer(HttpAnswer{
      200,
      R"({"access_token":"a.b.c","refresh_token":"r-1","expires_in":300})"});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->tokens.refresh_token, "r-1");
  EXPECT_EQ(with->tokens.expires_in, absl::Seconds(300));
  absl::StatusOr<PollAnswer> without =
      ReadPollAnswer(HttpAnswer{200, R"({"access_token":"a.b.c"})"});
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->tokens.refresh_token, "");
}

TEST(ProviderMetadataTest, ReadsTheEndSessionEndpointWhenNamed) {
  const char* base = R"({"issuer":"https://idp.example.se",
          "jwks_uri":"https://idp.example.se/jwks",
          "token_endpoint":"https://idp.example.se/token")";
  absl::StatusOr<ProviderMetadata> with = ParseProviderMetadata(
      absl::StrCat(
          base, R"(,"end_session_endpoint":"https://idp.example.se/logout"})"),
      "https://idp.example.se");
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->end_session_endpoint, "https://idp.example.se/logout");
  absl::StatusOr<ProviderMetadata> without =
      ParseProviderMetadata(absl::StrCat(base, "}"), "https://idp.example.se");
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->end_session_endpoint, "");
}

TEST(ProviderMetadataTest, AnotherIssuerOrAMissingEndpointIsRefused) {
  EXPECT_TRUE(IsError(ParseProviderMetadata(R"({"issuer":"https://evil.example",
          "jwks_uri":"https://evil.example/jwks",
          "token_endpoint":"https://evil.example/token"})",
                                            "https://idp.example.se")
                          .status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"names the issuer \"https://evil.example\""}));
  EXPECT_TRUE(
      IsError(ParseProviderMetadata(R"({"issuer":"https://idp.example.se",
          "token_endpoint":"https://idp.example.se/token"})",
                                    "https://idp.example.se")
                  .status(),
              absl::StatusCode::kFailedPrecondition, {"no jwks_uri"}));
}

TEST(OidcHttpTest, PlainHttpOnlyToLoopback) {
  EXPECT_TRUE(IsError(HttpGet("http://idp.example.se/x", {}).status(),
                      absl::StatusCode::kInvalidArgument, {"not https://"}));
  EXPECT_TRUE(IsError(HttpGet("ftp://127.0.0.1/x", {}).status(),
                      absl::StatusCode::kInvalidArgument, {"not https://"}));
}

}  // namespace
}  // namespace lov::auth
