// OpenID Connect Discovery 1.0: what the identity provider publishes at
// <issuer>/.well-known/openid-configuration, the endpoints a sign-in flow
// needs.

#ifndef LOV_PLATFORM_AUTH_OIDC_DISCOVERY_H_
#define LOV_PLATFORM_AUTH_OIDC_DISCOVERY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lov/platform/auth/oidc_http.h"

namespace lov::auth {

struct ProviderMetadata {
  std::string issuer;
  std::string jwks_uri;
  std::string token_endpoint;
  // Empty when the provider does not offer the flow.
  std::string authorization_endpoint;
  std::string device_authorization_endpoint;  // RFC 8628
  std::string end_session_endpoint;  // OpenID Connect RP-Initiated Logout
};

// The document's fields; FailedPrecondition when it is not a JSON object,
// lacks issuer, jwks_uri or token_endpoint, or names another issuer than
// `issuer` (Discovery 4.3: a document that does is not to be trusted).
absl::StatusOr<ProviderMetadata> ParseProviderMetadata(std::string_view json,
                                                       std::string_view issuer);

// GETs and parses the issuer's discovery document (a trailing '/' of
// `issuer` is not doubled).
absl::StatusOr<ProviderMetadata> DiscoverProvider(
    const std::string& issuer, const OidcHttpOptions& options);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_OIDC_DISCOVERY_H_
