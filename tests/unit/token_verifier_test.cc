#include "lov/platform/auth/token_verifier.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "identity_fixtures.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/auth/jose.h"
#include "nlohmann/json.hpp"
#include "status_matchers.h"

namespace lov::auth {
namespace {

using json = nlohmann::json;
using ::lov::testing::IsError;

class FixedClock : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }

 private:
  absl::Time now_;
};

// 2025-03-01 09:00 UTC, the "now" of every test here.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2025, 3, 1, 9, 0, 0),
                                        absl::UTCTimeZone());
const int64_t kNowSeconds = absl::ToUnixSeconds(kNow);

constexpr char kHsaId[] = "SE2321000016-1234";

jose::JwkPtr RandomEcKey() {
  return jose::JwkPtr(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, nullptr));
}

jose::JwkPtr RandomRsaKey(size_t bits, std::string_view kid) {
  jose::JwkPtr key(cjose_jwk_create_RSA_random(bits, nullptr, 0, nullptr));
  cjose_jwk_set_kid(key.get(), kid.data(), kid.size(), nullptr);
  return key;
}

std::string JwksOf(const std::vector<const cjose_jwk_t*>& keys) {
  json set = {{"keys", json::array()}};
  for (const cjose_jwk_t* key : keys) {
    set["keys"].push_back(json::parse(*jose::ExportJwk(key, false)));
  }
  return set.dump();
}

std::string Segment(const json& value) {
  return jose::Base64UrlEncode(value.dump());
}

// Claims a case officer's token from the development issuer would carry.
json CaseOfficerClaims() {
  return {{"iss", DevIssuer::kIssuer},
          {"aud", DevIssuer::kAudience},
          {"sub", kHsaId},
          {"lov_role", "case_officer"},
          {"lov_org", "0180"},
          {"iat", kNowSeconds},
          {"nbf", kNowSeconds},
          {"exp", kNowSeconds + 3600}};
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DevIssuer> issuer = DevIssuer::Generate(&clock_);
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_.emplace(*std::move(issuer));
    absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
        TokenVerifier::Create(issuer_->PublicJwks(), DevIssuer::TrustOptions(),
                              &clock_);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
  }

  std::string Signed(const json& claims) {
    return *issuer_->SignClaims(claims.dump());
  }

  // Refused as UNAUTHENTICATED for `reason`, without echoing the token.
  ::testing::AssertionResult Refused(const std::string& token,
                                     const std::string& reason) {
    absl::StatusOr<Principal> principal = verifier_->Verify(token);
    ::testing::AssertionResult result = IsError(
        principal.status(), absl::StatusCode::kUnauthenticated, {reason});
    if (!result) return result;
    for (absl::string_view part : absl::StrSplit(token, '.')) {
      if (part.size() > 8 &&
          principal.status().message().find(part) != absl::string_view::npos) {
        return ::testing::AssertionFailure() << "the token is echoed";
      }
    }
    return ::testing::AssertionSuccess();
  }

  FixedClock clock_{kNow};
  std::optional<DevIssuer> issuer_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(TokenVerifierTest, ATokenFromTheDevIssuerGivesItsPrincipal) {
  absl::StatusOr<std::string> token = issuer_->Issue(
      auth::v1::ROLE_PROVIDER, kHsaId, "5566001234", "prv-7", absl::Hours(8));
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<Principal> principal = verifier_->Verify(*token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, kHsaId);
  EXPECT_EQ(principal->role, auth::v1::ROLE_PROVIDER);
  EXPECT_EQ(principal->organisation, "5566001234");
  EXPECT_EQ(principal->provider_id, "prv-7");
  EXPECT_TRUE(verifier_->Verify(absl::StrCat("Bearer ", *token)).ok());
}

TEST_F(TokenVerifierTest, TheHsaIdClaimIsTheSubjectWhenPresent) {
  json claims = CaseOfficerClaims();
  claims["sub"] = "opaque-idp-subject-81";
  claims["hsa_id"] = kHsaId;
  claims["name"] = "Anna Handläggare";
  absl::StatusOr<Principal> principal = verifier_->Verify(Signed(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, kHsaId);
  EXPECT_EQ(principal->display_name, "Anna Handläggare");
  EXPECT_EQ(principal->role, auth::v1::ROLE_CASE_OFFICER);
  EXPECT_EQ(principal->organisation, "0180");
  EXPECT_EQ(principal->provider_id, "");
}

TEST_F(TokenVerifierTest, ClaimNamesAreConfigurable) {
  VerifierOptions options = DevIssuer::TrustOptions();
  options.claims.role = "roles_lov";
  options.claims.organisation = "org";
  auto verifier =
      TokenVerifier::Create(issuer_->PublicJwks(), options, &clock_);
  ASSERT_TRUE(verifier.ok());
  json claims = CaseOfficerClaims();
  claims.erase("lov_role");
  claims["roles_lov"] = "auditor";
  claims["org"] = "1280";
  absl::StatusOr<Principal> principal = (*verifier)->Verify(Signed(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, auth::v1::ROLE_AUDITOR);
  EXPECT_EQ(principal->organisation, "1280");
}

TEST_F(TokenVerifierTest, AnotherIssuerIsRefused) {
  json claims = CaseOfficerClaims();
  claims["iss"] = "https://idp.example.org";
  EXPECT_TRUE(Refused(Signed(claims), "wrong issuer"));
  claims.erase("iss");
  EXPECT_TRUE(Refused(Signed(claims), "wrong issuer"));
}

TEST_F(TokenVerifierTest, AnotherAudienceIsRefusedAListWithOursIsNot) {
  json claims = CaseOfficerClaims();
  claims["aud"] = "payroll";
  EXPECT_TRUE(Refused(Signed(claims), "wrong audience"));
  claims["aud"] = json::array({"payroll", "journal"});
  EXPECT_TRUE(Refused(Signed(claims), "wrong audience"));
  claims.erase("aud");
  EXPECT_TRUE(Refused(Signed(claims), "no audience"));
  claims["aud"] = json::array({"payroll", "lov"});
  EXPECT_TRUE(verifier_->Verify(Signed(claims)).ok());
}

TEST_F(TokenVerifierTest, ExpiredBeyondTheClockSkewIsRefused) {
  json claims = CaseOfficerClaims();
  claims["iat"] = kNowSeconds - 7200;
  claims["nbf"] = kNowSeconds - 7200;
  claims["exp"] = kNowSeconds - 61;
  EXPECT_TRUE(Refused(Signed(claims), "expired"));
  claims["exp"] = kNowSeconds - 30;  // within the 60 s skew
  EXPECT_TRUE(verifier_->Verify(Signed(claims)).ok());
  claims.erase("exp");
  EXPECT_TRUE(Refused(Signed(claims), "no expiry"));
  claims["exp"] = "tomorrow";
  EXPECT_TRUE(Refused(Signed(claims), "exp not a number"));
}

// A stream admitted with the token ends when the verifier would refuse it:
// exp (09:00 + 1 h) plus the 60 s skew.
TEST_F(TokenVerifierTest, APrincipalIsValidUntilItsExpiryAndTheSkew) {
  absl::StatusOr<Principal> principal =
      verifier_->Verify(Signed(CaseOfficerClaims()));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->valid_until,
            absl::FromCivil(absl::CivilSecond(2025, 3, 1, 10, 1, 0),
                            absl::UTCTimeZone()));
}

TEST_F(TokenVerifierTest, NotYetValidOrIssuedInTheFutureIsRefused) {
  json claims = CaseOfficerClaims();
  claims["nbf"] = kNowSeconds + 120;
  EXPECT_TRUE(Refused(Signed(claims), "not yet valid"));
  claims["nbf"] = kNowSeconds + 30;  // within the skew
  EXPECT_TRUE(verifier_->Verify(Signed(claims)).ok());
  claims = CaseOfficerClaims();
  claims["iat"] = kNowSeconds + 120;
  EXPECT_TRUE(Refused(Signed(claims), "issued in the future"));
}

TEST_F(TokenVerifierTest, ATamperedPayloadIsRefused) {
  std::string token = Signed(CaseOfficerClaims());
  json claims = CaseOfficerClaims();
  claims["lov_role"] = "registry_officer";
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  std::string tampered = absl::StrCat(token.substr(0, first), ".",
                                      Segment(claims), token.substr(second));
  EXPECT_TRUE(Refused(tampered, "signature does not verify"));
}

// A token has one spelling: extra characters that a lenient base64url
// decoder would drop (the same signed bytes) make it another token.
TEST_F(TokenVerifierTest, APartNotInCanonicalBase64UrlIsRefused) {
  const std::string token = Signed(CaseOfficerClaims());
  ASSERT_TRUE(verifier_->Verify(token).ok());
  for (const std::string& respelled :
       {token + "A", token + "AA", token + "=",
        absl::StrCat(token.substr(0, token.find('.')), "A",
                     token.substr(token.find('.')))}) {
    EXPECT_TRUE(Refused(respelled, "malformed token")) << respelled;
  }
}

TEST_F(TokenVerifierTest, ASignatureByAnotherKeyIsRefused) {
  jose::JwkPtr other = RandomEcKey();
  std::string token = *jose::SignCompact(other.get(), "ES256", issuer_->kid(),
                                         CaseOfficerClaims().dump());
  EXPECT_TRUE(Refused(token, "signature does not verify"));
}

TEST_F(TokenVerifierTest, AnUnsignedTokenIsRefused) {
  json header = {{"alg", "none"}, {"kid", issuer_->kid()}};
  const std::string unsigned_token =
      absl::StrCat(Segment(header), ".", Segment(CaseOfficerClaims()), ".");
  EXPECT_TRUE(Refused(unsigned_token, "alg none"));
  header["alg"] = "None";
  EXPECT_TRUE(Refused(
      absl::StrCat(Segment(header), ".", Segment(CaseOfficerClaims()), ".AA"),
      "algorithm not allowed"));
}

TEST_F(TokenVerifierTest, HmacTokensAreRefusedEvenKeyedWithThePublicKey) {
  jose::JwkPtr secret(cjose_jwk_create_oct_random(32, nullptr));
  std::string token = *jose::SignCompact(secret.get(), "HS256", issuer_->kid(),
                                         CaseOfficerClaims().dump());
  EXPECT_TRUE(Refused(token, "algorithm not allowed"));
  // The classic confusion: the public JWK's text as the HMAC secret.
  const std::string public_text = issuer_->PublicJwks();
  jose::JwkPtr confused(cjose_jwk_create_oct_spec(
      reinterpret_cast<const uint8_t*>(public_text.data()), public_text.size(),
      nullptr));
  token = *jose::SignCompact(confused.get(), "HS256", issuer_->kid(),
                             CaseOfficerClaims().dump());
  EXPECT_TRUE(Refused(token, "algorithm not allowed"));
}

TEST_F(TokenVerifierTest, AnUnknownKeyIdIsRefused) {
  jose::JwkPtr other = RandomEcKey();
  std::string token = *jose::SignCompact(other.get(), "ES256", "rotated-away",
                                         CaseOfficerClaims().dump());
  EXPECT_TRUE(Refused(token, "unknown key id"));
}

TEST_F(TokenVerifierTest, AnAlgorithmOtherThanTheKeysIsRefused) {
  jose::JwkPtr rsa = RandomRsaKey(2048, "ignored");
  std::string token = *jose::SignCompact(rsa.get(), "RS256", issuer_->kid(),
                                         CaseOfficerClaims().dump());
  EXPECT_TRUE(Refused(token, "algorithm does not match the key type"));
}

TEST_F(TokenVerifierTest, AProviderNeedsAProviderIdAndOnlyAProviderHasOne) {
  json claims = CaseOfficerClaims();
  claims["lov_role"] = "provider";
  EXPECT_TRUE(Refused(Signed(claims), "the provider role needs a provider id"));
  claims = CaseOfficerClaims();
  claims["lov_provider_id"] = "prv-7";
  EXPECT_TRUE(
      Refused(Signed(claims), "only the provider role carries a provider id"));
}

TEST_F(TokenVerifierTest, AMissingOrUnknownRoleOrSubjectIsRefused) {
  json claims = CaseOfficerClaims();
  claims["lov_role"] = "superuser";
  EXPECT_TRUE(Refused(Signed(claims), "unknown role in lov_role"));
  claims.erase("lov_role");
  EXPECT_TRUE(Refused(Signed(claims), "no role (lov_role)"));
  claims = CaseOfficerClaims();
  claims["lov_role"] = json::array({"case_officer"});
  EXPECT_TRUE(Refused(Signed(claims), "claim lov_role is not a string"));
  claims = CaseOfficerClaims();
  claims.erase("sub");
  EXPECT_TRUE(Refused(Signed(claims), "no subject (sub)"));
}

TEST_F(TokenVerifierTest, MalformedTokensAreRefused) {
  const std::string good = Signed(CaseOfficerClaims());
  EXPECT_TRUE(Refused("", "no token"));
  EXPECT_TRUE(Refused("Bearer ", "no token"));
  EXPECT_TRUE(Refused("not-a-token", "malformed"));
  EXPECT_TRUE(Refused("a.b", "malformed"));
  EXPECT_TRUE(Refused(absl::StrCat(good, ".extra"), "malformed"));
  EXPECT_TRUE(Refused("!!!.???.***", "malformed"));
  EXPECT_TRUE(
      Refused(absl::StrCat(Segment(json::array({1})), ".e30.AA"), "malformed"));
  // A good header, then a payload that is not base64url.
  const std::string header = good.substr(0, good.find('.'));
  EXPECT_TRUE(Refused(absl::StrCat(header, ".%%%%.AAAA"), "malformed"));
  // A signature over claims that are not JSON.
  EXPECT_TRUE(Refused(*issuer_->SignClaims("not json"), "malformed"));
  EXPECT_TRUE(Refused(std::string(20000, 'a'), "token too long"));
}

TEST_F(TokenVerifierTest, ASubjectWithAPersonnummerIsRefused) {
  const std::string pnr = ::lov::testing::TestPersonnummer(3);
  json claims = CaseOfficerClaims();
  claims["sub"] = pnr;
  absl::StatusOr<Principal> principal = verifier_->Verify(Signed(claims));
  EXPECT_TRUE(IsError(principal.status(), absl::StatusCode::kUnauthenticated,
                      {"subject contains a personal identity number"}));
  EXPECT_EQ(principal.status().message().find(pnr.substr(2)),
            absl::string_view::npos);
  claims["sub"] = absl::StrCat("user-", pnr.substr(0, 8), "-", pnr.substr(8));
  EXPECT_TRUE(
      Refused(Signed(claims), "subject contains a personal identity number"));
  // Without the century: 1212121212 passes Luhn with a real date.
  claims["sub"] = "user-121212-1212";
  EXPECT_TRUE(
      Refused(Signed(claims), "subject contains a personal identity number"));
}

TEST_F(TokenVerifierTest, WithoutAKeyIdTheOnlyKeyIsUsed) {
  jose::JwkPtr key = RandomEcKey();
  auto single = TokenVerifier::Create(JwksOf({key.get()}),
                                      DevIssuer::TrustOptions(), &clock_);
  ASSERT_TRUE(single.ok()) << single.status();
  const std::string token =
      *jose::SignCompact(key.get(), "ES256", "", CaseOfficerClaims().dump());
  EXPECT_TRUE((*single)->Verify(token).ok());
  jose::JwkPtr second = RandomEcKey();
  cjose_jwk_set_kid(second.get(), "second", 6, nullptr);
  auto two = TokenVerifier::Create(JwksOf({key.get(), second.get()}),
                                   DevIssuer::TrustOptions(), &clock_);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_TRUE(IsError((*two)->Verify(token).status(),
                      absl::StatusCode::kUnauthenticated,
                      {"no key id (kid) and the key set has several keys"}));
}

TEST_F(TokenVerifierTest, AnRs256TokenVerifiesWithItsRsaKey) {
  jose::JwkPtr rsa = RandomRsaKey(2048, "idp-rsa-1");
  auto verifier = TokenVerifier::Create(JwksOf({rsa.get()}),
                                        DevIssuer::TrustOptions(), &clock_);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  json claims = CaseOfficerClaims();
  claims["lov_role"] = "finance";
  absl::StatusOr<Principal> principal = (*verifier)->Verify(
      *jose::SignCompact(rsa.get(), "RS256", "idp-rsa-1", claims.dump()));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, auth::v1::ROLE_FINANCE);
  EXPECT_EQ(principal->subject, kHsaId);
}

// Signed by another JOSE implementation (Python's `cryptography`, ECDSA
// signature as R || S): the format an identity provider sends.
TEST_F(TokenVerifierTest, AnEs256TokenFromAnotherImplementationVerifies) {
  constexpr char kJwks[] =
      R"({"keys":[{"kty":"EC","crv":"P-256",)"
      R"("x":"NCEXpQjHAEKh22-0c395lQCVEecIUC6WzGfbFv4Z22A",)"
      R"("y":"6rEwRjyH9ktj2csC64Tb06bACgb0_EtkqZC4eMVx6-M",)"
      R"("kid":"idp-2025","use":"sig","alg":"ES256"}]})";
  constexpr char kToken[] =
      "eyJhbGciOiJFUzI1NiIsImtpZCI6ImlkcC0yMDI1IiwidHlwIjoiSldUIn0."
      "eyJpc3MiOiJsb3YtZGV2LWlzc3VlciIsImF1ZCI6WyJsb3YiLCJvdGhlciJdLCJzdWIiOi"
      "JTRTIzMjEwMDAwMTYtMDA0MiIsImxvdl9yb2xlIjoiZmluYW5jZSIsImxvdl9vcmciOiIw"
      "MTgwIiwiaWF0IjoxNzQwODE5NTkwLCJleHAiOjE3NDA4MjMyMDB9."
      "C8RyhEUnsWilOuEwehAVh_IyRcYBl0FC4ldadqK-"
      "GBub0YrpIMj4LKC8D94-EZ5hjYOoXRca6JeQW-TJ1cxxLA";
  auto verifier =
      TokenVerifier::Create(kJwks, DevIssuer::TrustOptions(), &clock_);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<Principal> principal = (*verifier)->Verify(kToken);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "SE2321000016-0042");
  EXPECT_EQ(principal->role, auth::v1::ROLE_FINANCE);
}

TEST(TokenVerifierKeySetTest, UnusableKeySetsAreRefusedAtStart) {
  FixedClock clock(kNow);
  const VerifierOptions options = DevIssuer::TrustOptions();
  EXPECT_TRUE(IsError(TokenVerifier::Create("[]", options, &clock).status(),
                      absl::StatusCode::kInvalidArgument, {"keys"}));
  jose::JwkPtr rsa = RandomRsaKey(1024, "short");
  EXPECT_TRUE(IsError(
      TokenVerifier::Create(JwksOf({rsa.get()}), options, &clock).status(),
      absl::StatusCode::kInvalidArgument, {"2048 bits"}));
  // An encryption key, a symmetric key and a key for another algorithm are
  // left out: nothing remains.
  json only_unusable = json::parse(JwksOf({RandomEcKey().get()}));
  only_unusable["keys"][0]["use"] = "enc";
  only_unusable["keys"].push_back({{"kty", "oct"}, {"k", "c2VjcmV0"}});
  json ps256 = json::parse(JwksOf({RandomRsaKey(2048, "ps").get()}));
  ps256["keys"][0]["alg"] = "PS256";
  only_unusable["keys"].push_back(ps256["keys"][0]);
  EXPECT_TRUE(IsError(
      TokenVerifier::Create(only_unusable.dump(), options, &clock).status(),
      absl::StatusCode::kInvalidArgument, {"no signing key"}));
  VerifierOptions no_issuer = options;
  no_issuer.issuer.clear();
  EXPECT_TRUE(IsError(
      TokenVerifier::Create(JwksOf({RandomEcKey().get()}), no_issuer, &clock)
          .status(),
      absl::StatusCode::kInvalidArgument, {"issuer"}));
  EXPECT_TRUE(IsError(
      TokenVerifier::FromJwksFile("/nonexistent/jwks.json", options, &clock)
          .status(),
      absl::StatusCode::kNotFound, {"/nonexistent/jwks.json"}));
}

}  // namespace
}  // namespace lov::auth
