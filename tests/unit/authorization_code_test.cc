// The authorization code flow's pieces (PKCE S256, the authorization URL,
// the code exchange, the nonce check) with hand-written inputs.
#include "lov/platform/auth/authorization_code.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/auth/jose.h"
#include "status_matchers.h"

namespace lov::auth {
namespace {

using ::lov::testing::IsError;

std::string UnsignedTokenWith(const std::string& claims) {
  return absl::StrCat(jose::Base64UrlEncode(R"({"alg":"ES256"})"), ".",
                      jose::Base64UrlEncode(claims), ".c2ln");
}

TEST(PkceTest, TheChallengeIsBase64UrlOfSha256) {
  // Worked out with Python: base64.urlsafe_b64encode(hashlib.sha256(v)
  // .digest()).rstrip(b"=").
  EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mJ92K1xdJaZ2Fm6oT5ZCDPkCUtE76ZTKpaA"),
            "CwqWxr5y_hZlk_OSCsjtt-1YSLbPjEZlmaKA3E482uI");
}

TEST(PkceTest, RandomTokensAreLongUrlSafeAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string t = RandomUrlToken();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                  "qrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(AuthorizationUrlTest, CarriesEveryFieldEncodedAndOnlyTheChallenge) {
  const AuthorizationRequest r{
      "https://idp.example.se/authorize",
      "lov-console",
      "https://console.example.se/login/callback",
      "openid profile",
      "st1",
      "no1",
      "dBjftJeZ4CVP-mJ92K1xdJaZ2Fm6oT5ZCDPkCUtE76ZTKpaA"};
  EXPECT_EQ(AuthorizationUrl(r),
            "https://idp.example.se/authorize?response_type=code"
            "&client_id=lov-console"
            "&redirect_uri=https%3A%2F%2Fconsole.example.se%2Flogin%2Fcallback"
            "&scope=openid%20profile&state=st1&nonce=no1"
            "&code_challenge=CwqWxr5y_hZlk_OSCsjtt-1YSLbPjEZlmaKA3E482uI"
            "&code_challenge_method=S256");
  const FormFields form = CodeExchangeForm("c0de", r);
  EXPECT_EQ(
      form,
      (FormFields{{"grant_type", "authorization_code"},
                  {"code", "c0de"},
                  {"redirect_uri", "https://console.example.se/login/callback"},
                  {"client_id", "lov-console"},
                  {"code_verifier", r.code_verifier}}));
}

TEST(CodeExchangeTest, NeedsAnIdTokenAndNamesARefusal) {
  absl::StatusOr<TokenSet> ok =
      ReadCodeExchange({200, R"({"id_token":"a.b.c","access_token":"x"})"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->id_token, "a.b.c");
  EXPECT_TRUE(
      IsError(ReadCodeExchange({200, R"({"access_token":"x"})"}).status(),
              absl::StatusCode::kUnauthenticated, {"no id_token"}));
  EXPECT_TRUE(IsError(
      ReadCodeExchange({400, R"({"error":"invalid_grant"})"}).status(),
      absl::StatusCode::kUnauthenticated, {"HTTP 400", "invalid_grant"}));
}

TEST(NonceTest, OnlyTheNonceSentIsTaken) {
  EXPECT_TRUE(CheckNonce(UnsignedTokenWith(R"({"nonce":"n-1"})"), "n-1").ok());
  for (const std::string& token :
       {UnsignedTokenWith(R"({"nonce":"n-2"})"), UnsignedTokenWith("{}"),
        UnsignedTokenWith(R"({"nonce":7})"), std::string("not-a-token")}) {
    EXPECT_TRUE(IsError(CheckNonce(token, "n-1"),
                        absl::StatusCode::kUnauthenticated, {"nonce"}))
        << token;
  }
  EXPECT_FALSE(CheckNonce(UnsignedTokenWith(R"({"nonce":""})"), "").ok());
}

}  // namespace
}  // namespace lov::auth
