#include "lov/platform/auth/authorization_code.h"

#include <httplib.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/platform/auth/jose.h"

namespace lov::auth {

std::string RandomUrlToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no entropy
  return jose::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string PkceChallenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()),
         verifier.size(), digest);
  return jose::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string AuthorizationUrl(const AuthorizationRequest& r) {
  auto q = [](std::string_view v) {
    return httplib::detail::encode_query_param(std::string(v));
  };
  const char separator =
      r.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  return absl::StrCat(r.authorization_endpoint, std::string(1, separator),
                      "response_type=code&client_id=", q(r.client_id),
                      "&redirect_uri=", q(r.redirect_uri),
                      "&scope=", q(r.scope), "&state=", q(r.state),
                      "&nonce=", q(r.nonce),
                      "&code_challenge=", PkceChallenge(r.code_verifier),
                      "&code_challenge_method=S256");
}

FormFields CodeExchangeForm(std::string_view code,
                            const AuthorizationRequest& r) {
  return {{"grant_type", "authorization_code"},
          {"code", std::string(code)},
          {"redirect_uri", r.redirect_uri},
          {"client_id", r.client_id},
          {"code_verifier", r.code_verifier}};
}

absl::StatusOr<TokenSet> ReadCodeExchange(const HttpAnswer& answer) {
  nlohmann::json doc = nlohmann::json::parse(answer.body, nullptr, false);
  if (!doc.is_object()) doc = nlohmann::json::object();
  auto text = [&](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (answer.status != 200) {
    const std::string error = text("error");
    return absl::UnauthenticatedError(
        absl::StrCat("the identity provider refused the sign-in code (HTTP ",
                     answer.status, error.empty() ? "" : ", " + error, ")"));
  }
  TokenSet tokens{text("access_token"), text("id_token")};
  if (tokens.id_token.empty()) {
    return absl::UnauthenticatedError(
        "the identity provider's token answer has no id_token");
  }
  return tokens;
}

absl::Status CheckNonce(std::string_view id_token, std::string_view expected) {
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(id_token.data(), id_token.size()), '.');
  std::optional<std::string> payload =
      parts.size() == 3 ? jose::Base64UrlDecode(parts[1]) : std::nullopt;
  const nlohmann::json claims =
      nlohmann::json::parse(payload.value_or(""), nullptr, false);
  auto nonce = claims.is_object() ? claims.find("nonce") : claims.end();
  if (expected.empty() || !claims.is_object() || nonce == claims.end() ||
      !nonce->is_string() || nonce->get<std::string>() != expected) {
    return absl::UnauthenticatedError(
        "the ID token's nonce is not the one this sign-in sent");
  }
  return absl::OkStatus();
}

}  // namespace lov::auth
