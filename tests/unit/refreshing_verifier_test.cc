// Following the identity provider's key rotation: the key set is fetched at
// start, on a schedule and when a token names an unknown key id (rate
// limited); a failed fetch keeps the keys in use. And the fetch itself over
// HTTP from a loopback server.
#include "lov/platform/auth/refreshing_verifier.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "fixed_clock.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/auth/key_set_source.h"
#include "one_answer_server.h"
#include "status_matchers.h"

namespace lov::auth {
namespace {

using ::lov::testing::FixedClock;
using ::lov::testing::IsError;
using ::lov::testing::UtcTime;

// The identity provider as the verifier sees it: the key set it publishes
// now (or an outage), and how often it was asked.
class FakeIdentityProvider {
 public:
  void Publish(std::string jwks) {
    absl::MutexLock lock(&mu_);
    jwks_ = std::move(jwks);
    down_ = false;
  }
  void GoDown() {
    absl::MutexLock lock(&mu_);
    down_ = true;
  }
  int fetches() const {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }
  KeySetFetcher Fetcher() {
    return [this]() -> absl::StatusOr<std::string> {
      absl::MutexLock lock(&mu_);
      ++fetches_;
      if (down_) return absl::UnavailableError("identity provider down");
      return jwks_;
    };
  }

 private:
  mutable absl::Mutex mu_;
  std::string jwks_;
  bool down_ = false;
  int fetches_ = 0;
};

class RefreshingVerifierTest : public ::testing::Test {
 protected:
  RefreshingVerifierTest()
      : clock_(UtcTime(2026, 11, 30, 8)),
        old_key_(*DevIssuer::Generate(&clock_)),
        new_key_(*DevIssuer::Generate(&clock_)) {
    idp_.Publish(old_key_.PublicJwks());
  }

  std::unique_ptr<RefreshingVerifier> Start(RefreshSettings settings = {}) {
    settings.background = false;  // the tests drive time themselves
    absl::StatusOr<std::unique_ptr<RefreshingVerifier>> verifier =
        RefreshingVerifier::Start(idp_.Fetcher(), DevIssuer::TrustOptions(),
                                  std::move(settings), &clock_);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }

  static std::string TokenOf(const DevIssuer& issuer) {
    return *issuer.Issue(auth::v1::ROLE_FINANCE, "SE2321000016-F001",
                         "kommunen", "", absl::Hours(1));
  }

  FixedClock clock_;
  DevIssuer old_key_;
  DevIssuer new_key_;
  FakeIdentityProvider idp_;
};

TEST_F(RefreshingVerifierTest, AcceptsTokensOfTheKeySetFetchedAtStart) {
  std::unique_ptr<RefreshingVerifier> verifier = Start();
  ASSERT_NE(verifier, nullptr);
  EXPECT_EQ(idp_.fetches(), 1);
  absl::StatusOr<Principal> principal = verifier->Verify(TokenOf(old_key_));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "SE2321000016-F001");
  EXPECT_EQ(idp_.fetches(), 1);  // a known key id fetches nothing
}

TEST_F(RefreshingVerifierTest, AnUnknownKeyIdFetchesTheRotatedKeySetOnce) {
  std::unique_ptr<RefreshingVerifier> verifier = Start();
  ASSERT_NE(verifier, nullptr);
  idp_.Publish(new_key_.PublicJwks());  // the provider rotated its key

  EXPECT_TRUE(verifier->Verify(TokenOf(new_key_)).ok());
  EXPECT_EQ(idp_.fetches(), 2);
  // The old key is gone from the published set, and so from ours.
  EXPECT_TRUE(IsError(verifier->Verify(TokenOf(old_key_)).status(),
                      absl::StatusCode::kUnauthenticated, {"unknown key id"}));
}

TEST_F(RefreshingVerifierTest, UnknownKeyIdsFetchAtMostOncePerMinimumInterval) {
  RefreshSettings settings;
  settings.min_refetch = absl::Seconds(30);
  std::unique_ptr<RefreshingVerifier> verifier = Start(settings);
  ASSERT_NE(verifier, nullptr);

  // Tokens with a key id nobody published: one fetch, then none for 30 s.
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(IsError(verifier->Verify(TokenOf(new_key_)).status(),
                        absl::StatusCode::kUnauthenticated,
                        {"unknown key id"}));
  }
  EXPECT_EQ(idp_.fetches(), 2);

  idp_.Publish(new_key_.PublicJwks());
  clock_.now_ += absl::Seconds(29);
  EXPECT_FALSE(verifier->Verify(TokenOf(new_key_)).ok());
  EXPECT_EQ(idp_.fetches(), 2);
  clock_.now_ += absl::Seconds(1);
  EXPECT_TRUE(verifier->Verify(TokenOf(new_key_)).ok());
  EXPECT_EQ(idp_.fetches(), 3);
}

TEST_F(RefreshingVerifierTest, AFailedRefreshKeepsTheKeysInUseAndIsReported) {
  int reported = 0;
  RefreshSettings settings;
  settings.on_refresh_failed = [&reported](const absl::Status&) { ++reported; };
  std::unique_ptr<RefreshingVerifier> verifier = Start(settings);
  ASSERT_NE(verifier, nullptr);

  idp_.GoDown();
  EXPECT_TRUE(IsError(verifier->Refresh(), absl::StatusCode::kUnavailable,
                      {"identity provider down"}));
  EXPECT_TRUE(verifier->Verify(TokenOf(old_key_)).ok());
  // An unknown key id while the provider is down: refused, reported, and
  // the old key still works.
  EXPECT_FALSE(verifier->Verify(TokenOf(new_key_)).ok());
  EXPECT_EQ(reported, 1);
  EXPECT_TRUE(verifier->Verify(TokenOf(old_key_)).ok());

  idp_.Publish("{\"keys\": []}");  // up again, but publishing nothing usable
  EXPECT_TRUE(IsError(verifier->Refresh(), absl::StatusCode::kInvalidArgument,
                      {"no signing key"}));
  EXPECT_TRUE(verifier->Verify(TokenOf(old_key_)).ok());
}

TEST_F(RefreshingVerifierTest, StartFailsWhenTheFirstFetchFails) {
  idp_.GoDown();
  EXPECT_TRUE(
      IsError((RefreshingVerifier::Start(
                   idp_.Fetcher(), DevIssuer::TrustOptions(), {}, &clock_))
                  .status(),
              absl::StatusCode::kUnavailable, {"identity provider"}));
}

TEST_F(RefreshingVerifierTest, RefreshesOnItsScheduleInTheBackground) {
  RefreshSettings settings;
  settings.refresh_every = absl::Milliseconds(20);
  settings.min_refetch = absl::InfiniteDuration();  // only the schedule
  absl::StatusOr<std::unique_ptr<RefreshingVerifier>> verifier =
      RefreshingVerifier::Start(idp_.Fetcher(), DevIssuer::TrustOptions(),
                                settings, &clock_);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  idp_.Publish(new_key_.PublicJwks());
  bool accepted = false;
  for (int i = 0; i < 500 && !accepted; ++i) {
    accepted = (*verifier)->Verify(TokenOf(new_key_)).ok();
    if (!accepted) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(accepted);
  EXPECT_GE(idp_.fetches(), 2);
}

TEST(KeySetFromUrlTest, FetchesTheKeySetOverHttpFromLoopback) {
  const std::string jwks = "{\"keys\": []}";
  lov::testing::OneAnswerServer server(lov::testing::HttpAnswer(200, jwks));
  absl::StatusOr<KeySetFetcher> fetch =
      KeySetFromUrl(server.Url("/jwks.json"), "", absl::Seconds(5));
  ASSERT_TRUE(fetch.ok()) << fetch.status();
  absl::StatusOr<std::string> text = (*fetch)();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, jwks);
}

TEST(KeySetFromUrlTest, AnHttpErrorIsUnavailableNamingTheStatus) {
  lov::testing::OneAnswerServer server(
      lov::testing::HttpAnswer(404, "not here"));
  absl::StatusOr<KeySetFetcher> fetch =
      KeySetFromUrl(server.Url("/jwks.json"), "", absl::Seconds(5));
  ASSERT_TRUE(fetch.ok()) << fetch.status();
  EXPECT_TRUE(IsError((*fetch)().status(), absl::StatusCode::kUnavailable,
                      {"HTTP status 404"}));
}

TEST(KeySetFromUrlTest, AnOversizedKeySetIsRefused) {
  lov::testing::OneAnswerServer server(
      lov::testing::HttpAnswer(200, std::string(kMaxKeySetBytes + 1, 'x')));
  absl::StatusOr<KeySetFetcher> fetch =
      KeySetFromUrl(server.Url("/jwks.json"), "", absl::Seconds(5));
  ASSERT_TRUE(fetch.ok()) << fetch.status();
  EXPECT_TRUE(
      IsError((*fetch)().status(), absl::StatusCode::kUnavailable, {"larger"}));
}

TEST(KeySetFromUrlTest, OnlyHttpsOrLoopbackHttp) {
  EXPECT_TRUE(
      IsError(KeySetFromUrl("http://idp.example.se/jwks", "", absl::Seconds(5))
                  .status(),
              absl::StatusCode::kInvalidArgument, {"must be https://"}));
  EXPECT_TRUE(IsError(
      KeySetFromUrl("file:///etc/passwd", "", absl::Seconds(5)).status(),
      absl::StatusCode::kInvalidArgument, {"must be https://"}));
  EXPECT_TRUE(
      KeySetFromUrl("https://idp.example.se/jwks", "", absl::Seconds(5)).ok());
}

TEST(KeySetFromFileTest, AMissingFileNamesThePath) {
  EXPECT_TRUE(IsError(KeySetFromFile("/nonexistent/jwks.json")().status(),
                      absl::StatusCode::kNotFound, {"/nonexistent/jwks.json"}));
}

}  // namespace
}  // namespace lov::auth
