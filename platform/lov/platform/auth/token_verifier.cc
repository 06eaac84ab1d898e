#include "lov/platform/auth/token_verifier.h"

#include <cjose/cjose.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/auth/key_set_source.h"
#include "nlohmann/json.hpp"

namespace lov::auth {
namespace {

using json = nlohmann::json;

// Far above any real ID token; keeps a flood of bytes away from the parsers.
constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr size_t kMinRsaBits = 2048;

constexpr char kUnknownKeyPayload[] = "lov.auth/unknown-kid";

absl::Status Refused(std::string_view reason) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token refused: ", std::string(reason)));
}

// A JSON object, or nullopt (no exceptions: the input is untrusted).
std::optional<json> ParseObject(std::string_view text) {
  json value = json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// The member `name` of `object` if it is a string, else "".
std::string StringField(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string_view StripBearer(std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (token.size() >= kScheme.size() &&
      absl::EqualsIgnoreCase(std::string(token.substr(0, kScheme.size())),
                             std::string(kScheme))) {
    token.remove_prefix(kScheme.size());
  }
  return token;
}

// The JOSE header of a compact JWS "header.payload.signature", or nullopt
// when the token does not have that shape.
std::optional<json> CompactHeader(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || second == first + 1 ||
      token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<std::string> header =
      jose::Base64UrlDecode(token.substr(0, first));
  if (!header) return std::nullopt;
  return ParseObject(*header);
}

// The header's algorithm if it is one we accept.
absl::StatusOr<std::string> AllowedAlgorithm(const json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return Refused("malformed token (no alg in the header)");
  }
  const std::string name = alg->get<std::string>();
  if (name == "none") return Refused("unsigned token (alg none)");
  if (name != "RS256" && name != "ES256") {
    return Refused("algorithm not allowed (only RS256 and ES256)");
  }
  if (header.contains("crit")) {
    return Refused("critical header extensions are not supported");
  }
  return name;
}

// The algorithm a JWK from the key set signs with: RS256 for RSA, ES256 for
// EC P-256; nullopt for keys we do not use, including those declared for
// another algorithm (an identity provider may publish PS256 keys too).
std::optional<std::string> KeyAlgorithm(const json& jwk) {
  const std::string kty = StringField(jwk, "kty");
  std::optional<std::string> alg;
  if (kty == "RSA") alg = "RS256";
  if (kty == "EC" && StringField(jwk, "crv") == "P-256") alg = "ES256";
  if (alg && jwk.contains("alg") && jwk["alg"] != *alg) return std::nullopt;
  return alg;
}

struct JwsRelease {
  void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};

// The claims of `token` once its signature verifies with `key`.
// Every part is base64url in its one canonical spelling (no padding, no
// trailing bits), so a token cannot be respelled into another string that
// verifies with the same signature.
bool CanonicalParts(std::string_view token) {
  while (true) {
    const size_t dot = token.find('.');
    const std::string_view part = token.substr(0, dot);
    std::optional<std::string> bytes = jose::Base64UrlDecode(part);
    if (!bytes || jose::Base64UrlEncode(*bytes) != part) return false;
    if (dot == std::string_view::npos) return true;
    token.remove_prefix(dot + 1);
  }
}

absl::StatusOr<json> VerifiedClaims(std::string_view token,
                                    const std::string& alg,
                                    const cjose_jwk_t* key) {
  cjose_err err{};
  std::unique_ptr<cjose_jws_t, JwsRelease> jws(
      cjose_jws_import(token.data(), token.size(), &err));
  if (jws == nullptr || !CanonicalParts(token)) {
    return Refused("malformed token (not a compact JWS in base64url)");
  }
  // cjose parsed the header itself: it must have read the same algorithm.
  const char* cjose_alg =
      cjose_header_get(cjose_jws_get_protected(jws.get()), "alg", &err);
  if (cjose_alg == nullptr || alg != cjose_alg) {
    return Refused("malformed token (ambiguous header)");
  }
  // cjose reads an ES256 signature's first 64 bytes only: longer ones
  // would be other spellings of the same token.
  const size_t last_dot = token.rfind('.');
  std::optional<std::string> signature =
      jose::Base64UrlDecode(token.substr(last_dot + 1));
  if (!signature || (alg == "ES256" && signature->size() != 64) ||
      (alg == "RS256" &&
       signature->size() * 8 != cjose_jwk_get_keysize(key, &err))) {
    return Refused("malformed token (a signature of the wrong length)");
  }
  if (!cjose_jws_verify(jws.get(), key, &err)) {
    return Refused("signature does not verify");
  }
  uint8_t* plaintext = nullptr;
  size_t length = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &length, &err)) {
    return Refused("malformed token (no payload)");
  }
  std::optional<json> claims = ParseObject(
      std::string_view(reinterpret_cast<const char*>(plaintext), length));
  if (!claims) return Refused("malformed token (claims are not a JSON object)");
  return *claims;
}

absl::Status CheckIssuerAndAudience(const json& claims,
                                    const VerifierOptions& options) {
  if (StringField(claims, "iss") != options.issuer) {
    return Refused("wrong issuer");
  }
  auto aud = claims.find("aud");
  if (aud == claims.end()) return Refused("no audience (aud)");
  const bool ours = aud->is_array() ? std::find(aud->begin(), aud->end(),
                                                options.audience) != aud->end()
                                    : *aud == options.audience;
  return ours ? absl::OkStatus() : Refused("wrong audience");
}

// A NumericDate claim in seconds, nullopt if absent.
absl::StatusOr<std::optional<double>> NumericDate(const json& claims,
                                                  const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number()) {
    return Refused(absl::StrCat("malformed token (", name, " not a number)"));
  }
  return it->get<double>();
}

absl::Status CheckValidityPeriod(const json& claims, absl::Time now,
                                 absl::Duration skew) {
  const double now_s = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  const double skew_s = absl::ToDoubleSeconds(skew);
  absl::StatusOr<std::optional<double>> exp = NumericDate(claims, "exp");
  absl::StatusOr<std::optional<double>> nbf = NumericDate(claims, "nbf");
  absl::StatusOr<std::optional<double>> iat = NumericDate(claims, "iat");
  for (const auto* date : {&exp, &nbf, &iat}) {
    if (!date->ok()) return date->status();
  }
  if (!exp->has_value()) return Refused("no expiry (exp)");
  if (now_s >= **exp + skew_s) return Refused("expired");
  if (nbf->has_value() && **nbf > now_s + skew_s) {
    return Refused("not yet valid (nbf)");
  }
  if (iat->has_value() && **iat > now_s + skew_s) {
    return Refused("issued in the future (iat)");
  }
  return absl::OkStatus();
}

// A string claim, "" when absent.
absl::StatusOr<std::string> StringClaim(const json& claims,
                                        const std::string& name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::string();
  if (!it->is_string()) {
    return Refused(absl::StrCat("claim ", name, " is not a string"));
  }
  return it->get<std::string>();
}

absl::StatusOr<Principal> ReadPrincipal(const json& claims,
                                        const ClaimNames& names) {
  static const std::string kSub = "sub";
  Principal principal;
  std::string sub, hsa_id, role_name;
  const std::pair<const std::string*, std::string*> wanted[] = {
      {&kSub, &sub},
      {&names.hsa_id, &hsa_id},
      {&names.role, &role_name},
      {&names.organisation, &principal.organisation},
      {&names.provider_id, &principal.provider_id},
      {&names.display_name, &principal.display_name}};
  for (const auto& [name, out] : wanted) {
    absl::StatusOr<std::string> value = StringClaim(claims, *name);
    if (!value.ok()) return value.status();
    *out = *std::move(value);
  }
  if (sub.empty()) return Refused("no subject (sub)");
  if (role_name.empty()) {
    return Refused(absl::StrCat("no role (", names.role, ")"));
  }
  absl::StatusOr<v1::Role> role = ParseRole(role_name);
  if (!role.ok()) return Refused(absl::StrCat("unknown role in ", names.role));
  principal.role = *role;
  principal.subject = hsa_id.empty() ? sub : hsa_id;
  if (absl::Status valid = ValidatePrincipal(principal); !valid.ok()) {
    return Refused(std::string(valid.message()));
  }
  return principal;
}

}  // namespace

bool IsUnknownKey(const absl::Status& status) {
  return status.GetPayload(kUnknownKeyPayload).has_value();
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(
    std::string_view jwks_json, VerifierOptions options, const Clock* clock) {
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InvalidArgumentError(
        "token verifier: issuer and audience are required");
  }
  std::optional<json> jwks = ParseObject(jwks_json);
  if (!jwks || !jwks->contains("keys") || !(*jwks)["keys"].is_array()) {
    return absl::InvalidArgumentError(
        "JWKS: not a JSON object with a \"keys\" array");
  }
  std::vector<Key> keys;
  std::set<std::string> kids;
  for (const json& jwk : (*jwks)["keys"]) {
    // Keys for encryption share the set; only signing keys are ours.
    if (!jwk.is_object() || (jwk.contains("use") && jwk["use"] != "sig")) {
      continue;
    }
    const std::optional<std::string> alg = KeyAlgorithm(jwk);
    if (!alg) continue;
    absl::StatusOr<jose::JwkPtr> imported = jose::ImportJwk(jwk.dump());
    if (!imported.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("JWKS: ", imported.status().message()));
    }
    if (*alg == "RS256" &&
        cjose_jwk_get_keysize(imported->get(), nullptr) < kMinRsaBits) {
      return absl::InvalidArgumentError(
          "JWKS: an RSA key is shorter than 2048 bits");
    }
    std::string kid = StringField(jwk, "kid");
    if (!kids.insert(kid).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("JWKS: two keys share the key id \"", kid, "\""));
    }
    keys.push_back(Key{std::move(kid), *alg, *std::move(imported)});
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(
        "JWKS: no signing key of type RSA or EC P-256");
  }
  return std::unique_ptr<TokenVerifier>(
      new TokenVerifier(std::move(keys), std::move(options), clock));
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::FromJwksFile(
    const std::string& path, VerifierOptions options, const Clock* clock) {
  absl::StatusOr<std::string> text = KeySetFromFile(path)();
  if (!text.ok()) return text.status();
  absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
      Create(*text, std::move(options), clock);
  if (!verifier.ok()) {
    return absl::Status(verifier.status().code(),
                        absl::StrCat(path, ": ", verifier.status().message()));
  }
  return verifier;
}

absl::StatusOr<const TokenVerifier::Key*> TokenVerifier::KeyFor(
    std::string_view kid, bool has_kid) const {
  if (!has_kid) {
    if (keys_.size() == 1) return &keys_.front();
    return Refused("no key id (kid) and the key set has several keys");
  }
  for (const Key& key : keys_) {
    if (key.kid == kid) return &key;
  }
  absl::Status unknown = Refused("unknown key id (kid)");
  unknown.SetPayload(kUnknownKeyPayload, absl::Cord("1"));
  return unknown;
}

absl::StatusOr<Principal> TokenVerifier::Verify(
    std::string_view bearer_token) const {
  const std::string_view token = StripBearer(bearer_token);
  if (token.empty()) return Refused("no token");
  if (token.size() > kMaxTokenBytes) return Refused("token too long");
  std::optional<json> header = CompactHeader(token);
  if (!header) {
    return Refused(
        "malformed token (not three base64url parts with a JSON "
        "header)");
  }
  absl::StatusOr<std::string> alg = AllowedAlgorithm(*header);
  if (!alg.ok()) return alg.status();
  auto kid = header->find("kid");
  if (kid != header->end() && !kid->is_string()) {
    return Refused("malformed token (kid is not a string)");
  }
  absl::StatusOr<const Key*> key =
      KeyFor(kid != header->end() ? kid->get<std::string>() : "",
             kid != header->end());
  if (!key.ok()) return key.status();
  if ((*key)->alg != *alg) {
    return Refused("algorithm does not match the key type");
  }
  absl::StatusOr<json> claims = VerifiedClaims(token, *alg, (*key)->jwk.get());
  if (!claims.ok()) return claims.status();
  if (absl::Status s = CheckIssuerAndAudience(*claims, options_); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckValidityPeriod(*claims, clock_->Now(), options_.clock_skew);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Principal> principal = ReadPrincipal(*claims, options_.claims);
  if (!principal.ok()) return principal;
  // CheckValidityPeriod found exp a number.
  principal->valid_until = absl::UnixEpoch() +
                           absl::Seconds((*claims)["exp"].get<double>()) +
                           options_.clock_skew;
  return principal;
}

}  // namespace lov::auth
