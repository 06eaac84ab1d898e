#include "lov/platform/auth/oidc_discovery.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace lov::auth {
namespace {

std::string Text(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<ProviderMetadata> ParseProviderMetadata(
    std::string_view json, std::string_view issuer) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) {
    return absl::FailedPreconditionError(
        "the discovery document is not a JSON object");
  }
  ProviderMetadata m{Text(doc, "issuer"),
                     Text(doc, "jwks_uri"),
                     Text(doc, "token_endpoint"),
                     Text(doc, "authorization_endpoint"),
                     Text(doc, "device_authorization_endpoint"),
                     Text(doc, "end_session_endpoint")};
  for (const auto& [name, value] :
       {std::pair{"issuer", &m.issuer}, std::pair{"jwks_uri", &m.jwks_uri},
        std::pair{"token_endpoint", &m.token_endpoint}}) {
    if (value->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the discovery document has no ", name));
    }
  }
  if (m.issuer != issuer) {
    return absl::FailedPreconditionError(
        absl::StrCat("the discovery document names the issuer \"", m.issuer,
                     "\", not \"", std::string(issuer), "\""));
  }
  return m;
}

absl::StatusOr<ProviderMetadata> DiscoverProvider(
    const std::string& issuer, const OidcHttpOptions& options) {
  const std::string url = absl::StrCat(absl::StripSuffix(issuer, "/"),
                                       "/.well-known/openid-configuration");
  absl::StatusOr<HttpAnswer> answer = HttpGet(url, options);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return absl::UnavailableError(
        absl::StrCat(url, ": HTTP status ", answer->status));
  }
  absl::StatusOr<ProviderMetadata> metadata =
      ParseProviderMetadata(answer->body, issuer);
  if (!metadata.ok()) {
    return absl::Status(metadata.status().code(),
                        absl::StrCat(url, ": ", metadata.status().message()));
  }
  return metadata;
}

}  // namespace lov::auth
