// lovctl login --issuer against a test identity provider (test_idp.h):
// discovery, the device authorization grant (RFC 8628) with its pending,
// denied and expired answers, and the token verified as the services verify
// it before it is stored in LOV_TOKEN_FILE with mode 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"
#include "test_idp.h"

namespace lov::cli {
namespace {

using ::lov::testing::TestIdp;
using Poll = TestIdp::Poll;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

class LovctlLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("lovctl-login-", NewUuid());
    std::filesystem::create_directories(dir_);
    token_file_ = (dir_ / "token").string();
    ::setenv("LOV_TOKEN_FILE", token_file_.c_str(), 1);
    ::unsetenv("LOV_TOKEN");
    ::unsetenv("LOV_OIDC_CLIENT_ID");
    ::unsetenv("LOV_OIDC_CA_FILE");
  }
  void TearDown() override {
    ::unsetenv("LOV_TOKEN_FILE");
    std::filesystem::remove_all(dir_);
  }

  static Result Lovctl(std::vector<std::string> words) {
    words.insert(words.begin(), "lovctl");
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    std::stringstream out, err;
    const int code = Main(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }

  std::string StoredToken() const {
    std::ifstream in(token_file_);
    std::stringstream text;
    text << in.rdbuf();
    return std::string(absl::StripAsciiWhitespace(text.str()));
  }

  std::filesystem::path dir_;
  std::string token_file_;
};

TEST_F(LovctlLoginTest, PendingThenApprovedStoresAVerifiedTokenOnlyForOwner) {
  TestIdp idp({.script = {Poll::kPending, Poll::kPending, Poll::kApprove}});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(idp.issuer() + "/activate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(TestIdp::kUserCode), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Signed in as SE2321000016-7a1b (case_officer)"),
            std::string::npos)
      << r.out;
  // Three polls, each after the interval the IdP asked for (1 s).
  const std::vector<absl::Time> polls = idp.poll_times();
  ASSERT_EQ(polls.size(), 3u);
  EXPECT_GE(polls[1] - polls[0], absl::Milliseconds(950));
  EXPECT_GE(polls[2] - polls[1], absl::Milliseconds(950));
  EXPECT_EQ(idp.bad_requests(), 0);
  // The stored token is one the services take, and only its owner reads it.
  struct stat st {};
  ASSERT_EQ(::stat(token_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string token = StoredToken();
  EXPECT_EQ(r.out.find(token), std::string::npos) << "token printed";
  SystemClock clock;
  auth::VerifierOptions options;
  options.issuer = idp.issuer();
  options.audience = "lov";
  auto verifier = auth::TokenVerifier::Create(idp.jwks(), options, &clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<auth::Principal> who = (*verifier)->Verify(token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "SE2321000016-7a1b");
  EXPECT_EQ(who->role, auth::v1::ROLE_CASE_OFFICER);
}

TEST_F(LovctlLoginTest, AnOpaqueAccessTokenFallsBackToTheVerifiedIdToken) {
  TestIdp idp({.opaque_access_token = true});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string token = StoredToken();
  EXPECT_EQ(token.rfind("opaque-", 0), std::string::npos) << token;
  SystemClock clock;
  auth::VerifierOptions options;
  options.issuer = idp.issuer();
  options.audience = "lov";
  auto verifier = auth::TokenVerifier::Create(idp.jwks(), options, &clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE((*verifier)->Verify(token).ok());
}

TEST_F(LovctlLoginTest, ATokenFileOthersCouldReadIsNarrowedTo0600) {
  { std::ofstream(token_file_) << "old\n"; }
  ::chmod(token_file_.c_str(), 0644);
  TestIdp idp({});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(token_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_NE(StoredToken(), "old");
}

TEST_F(LovctlLoginTest, DenialIsSaidAndNothingIsStored) {
  { std::ofstream(token_file_) << "previous-token\n"; }
  TestIdp idp({.script = {Poll::kPending, Poll::kDeny}});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sign-in was denied at the identity provider"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(StoredToken(), "previous-token");
  EXPECT_EQ(idp.poll_times().size(), 2u);
}

TEST_F(LovctlLoginTest, ACodeTheIdpCallsExpiredEndsTheLogin) {
  TestIdp idp({.script = {Poll::kExpired}});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the code expired before sign-in was approved"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(token_file_));
}

TEST_F(LovctlLoginTest, ACodeStillPendingAtItsExpiryEndsTheLogin) {
  TestIdp idp({.script = {Poll::kPending}, .expires_in_seconds = 2});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the code expired before sign-in was approved"),
            std::string::npos)
      << r.err;
  EXPECT_LE(idp.poll_times().size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(token_file_));
}

TEST_F(LovctlLoginTest, ATokenTheServicesWouldRefuseIsNotStored) {
  for (TestIdp::Options bad :
       {TestIdp::Options{.audience = "another-system"},
        TestIdp::Options{.sign_with_unpublished_key = true}}) {
    TestIdp idp(bad);

    Result r = Lovctl({"login", "--issuer", idp.issuer()});

    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("not one the services accept"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("nothing was stored"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("eyJ"), std::string::npos) << "token in " << r.err;
    EXPECT_FALSE(std::filesystem::exists(token_file_));
  }
}

TEST_F(LovctlLoginTest, WithoutATokenFileNothingStartsAndTheTokenIsNotPrinted) {
  ::unsetenv("LOV_TOKEN_FILE");
  TestIdp idp({});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("set LOV_TOKEN_FILE"), std::string::npos) << r.err;
  EXPECT_TRUE(idp.poll_times().empty());
}

TEST_F(LovctlLoginTest, DevelopmentFlagsAreRefusedWithAnIssuer) {
  TestIdp idp({});

  Result r = Lovctl({"login", "--issuer", idp.issuer(), "--role", "finance"});

  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--role: only for the development issuer"),
            std::string::npos)
      << r.err;
}

TEST_F(LovctlLoginTest, AnIssuerWhoseDocumentNamesAnotherIsRefused) {
  TestIdp idp({});

  // The discovery document names http://127.0.0.1:<port>, not localhost.
  const std::string other =
      absl::StrCat("http://localhost:", idp.issuer().substr(17));
  Result r = Lovctl({"login", "--issuer", other});

  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("discovery"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("names the issuer"), std::string::npos) << r.err;
  EXPECT_TRUE(idp.poll_times().empty());
}

// A command that calls a service (here one that is not there: the
// renewal comes before the call).
Result CallAService();

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<auth::Principal> VerifyAt(const TestIdp& idp,
                                         const std::string& token) {
  SystemClock clock;
  auth::VerifierOptions options;
  options.issuer = idp.issuer();
  options.audience = "lov";
  auto verifier = auth::TokenVerifier::Create(idp.jwks(), options, &clock);
  if (!verifier.ok()) return verifier.status();
  return (*verifier)->Verify(token);
}

TEST_F(LovctlLoginTest, TheRefreshTokenIsKeptInTheTokenFileNeverPrinted) {
  TestIdp idp({.refresh_tokens = true});

  Result r = Lovctl({"login", "--issuer", idp.issuer()});

  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string refresh = idp.refresh_token();
  ASSERT_FALSE(refresh.empty());
  EXPECT_EQ(r.out.find(refresh), std::string::npos) << "refresh token printed";
  struct stat st {};
  ASSERT_EQ(::stat(token_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string text = FileText(token_file_);
  EXPECT_NE(text.find("refresh_token=" + refresh + "\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("issuer=" + idp.issuer() + "\n"), std::string::npos);
  // The calls carry the access token alone (the file's first line).
  const std::string token = SignInToken();
  EXPECT_EQ(token.find('\n'), std::string::npos);
  EXPECT_EQ(token.find(refresh), std::string::npos);
  EXPECT_TRUE(VerifyAt(idp, token).ok());
}

TEST_F(LovctlLoginTest, ATokenAboutToExpireIsRenewedBeforeTheCall) {
  // 30 s left: inside lovctl's one-minute margin.
  TestIdp idp({.refresh_tokens = true, .access_token_lifetime_seconds = 30});
  ASSERT_EQ(Lovctl({"login", "--issuer", idp.issuer()}).exit_code, 0);
  const std::string first = SignInToken();
  const std::string first_refresh = idp.refresh_token();

  Result r = CallAService();

  EXPECT_EQ(idp.refreshes(), 1);
  EXPECT_EQ(idp.bad_requests(), 0);
  // The call went on (to a service that is not there), not refused as a
  // sign-in.
  EXPECT_EQ(r.err.find("renew"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("UNAUTHENTICATED"), std::string::npos) << r.err;
  const std::string renewed = SignInToken();
  EXPECT_NE(renewed, first);
  absl::StatusOr<auth::Principal> who = VerifyAt(idp, renewed);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "SE2321000016-7a1b");
  // The rotated refresh token replaced the used one, still only for the
  // owner.
  const std::string text = FileText(token_file_);
  EXPECT_NE(text.find("refresh_token=" + idp.refresh_token() + "\n"),
            std::string::npos);
  EXPECT_EQ(text.find(first_refresh), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(token_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // A second command renews again with the new refresh token.
  CallAService();
  EXPECT_EQ(idp.refreshes(), 2);
  EXPECT_NE(SignInToken(), renewed);
}

// A long command outlives a short token: `visit upload` opens a stream per
// batch, and the token each stream starts with is renewed first when it
// has 10 s or less left (here every one: the IdP's tokens last 5 s), not
// only at the command's start.
TEST_F(LovctlLoginTest, ALongUploadRenewsTheTokenBeforeEachBatchsStream) {
  TestIdp idp({.refresh_tokens = true, .access_token_lifetime_seconds = 5});
  ASSERT_EQ(Lovctl({"login", "--issuer", idp.issuer()}).exit_code, 0);
  const std::string file = (dir_ / "reports.jsonl").string();
  std::ofstream(file) << "{\"reportId\": \"r-1\"}\n{\"reportId\": \"r-2\"}\n";

  // Two batches of one report, each sent once to a service that is not
  // there.
  Result r = Lovctl({"--visits", "127.0.0.1:1", "visit", "upload", "--file",
                     file, "--batch", "1", "--max-attempts", "1"});

  EXPECT_NE(r.exit_code, 0);  // both given up
  // At the start, then before each of the two streams.
  EXPECT_EQ(idp.refreshes(), 3) << r.err;
  EXPECT_EQ(idp.bad_requests(), 0);
  EXPECT_EQ(r.err.find("UNAUTHENTICATED"), std::string::npos) << r.err;
  absl::StatusOr<auth::Principal> who = VerifyAt(idp, SignInToken());
  ASSERT_TRUE(who.ok()) << who.status();
}

TEST_F(LovctlLoginTest, ATokenFarFromExpiryIsNotRenewed) {
  TestIdp idp({.refresh_tokens = true});
  ASSERT_EQ(Lovctl({"login", "--issuer", idp.issuer()}).exit_code, 0);
  const std::string first = SignInToken();

  CallAService();

  EXPECT_EQ(idp.refreshes(), 0);
  EXPECT_EQ(SignInToken(), first);
}

TEST_F(LovctlLoginTest, ARefusedRenewalAsksToSignInAgain) {
  TestIdp idp({.refresh_tokens = true,
               .refuse_refresh = true,
               .access_token_lifetime_seconds = 30});
  ASSERT_EQ(Lovctl({"login", "--issuer", idp.issuer()}).exit_code, 0);
  const std::string before = FileText(token_file_);

  Result r = CallAService();

  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(idp.refreshes(), 1);
  EXPECT_NE(r.err.find("refused to renew your sign-in (HTTP 400, "
                       "invalid_grant)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("run lovctl login --issuer " + idp.issuer() + " again"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(idp.refresh_token()), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("eyJ"), std::string::npos) << r.err;
  EXPECT_EQ(FileText(token_file_), before);
}

TEST_F(LovctlLoginTest, ADevelopmentSignInReplacesTheRefreshToken) {
  TestIdp idp({.refresh_tokens = true, .access_token_lifetime_seconds = 30});
  ASSERT_EQ(Lovctl({"login", "--issuer", idp.issuer()}).exit_code, 0);
  const std::string key = (dir_ / "dev.jwk").string();
  ASSERT_EQ(Lovctl({"login", "--issuer-key", key, "--write-jwks",
                    (dir_ / "dev-jwks.json").string(), "--role", "finance"})
                .exit_code,
            0);

  CallAService();

  EXPECT_EQ(FileText(token_file_).find("refresh_token="), std::string::npos);
  EXPECT_EQ(idp.refreshes(), 0);
}

Result CallAService() {
  std::vector<std::string> words = {"lovctl", "--registry", "127.0.0.1:1",
                                    "municipality", "show"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  std::stringstream out, err;
  const int code = Main(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

TEST_F(LovctlLoginTest, PlainHttpToAnotherHostIsRefused) {
  Result r = Lovctl({"login", "--issuer", "http://idp.example.se"});

  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not https://"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lov::cli
