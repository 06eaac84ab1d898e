// A verifier of an OpenID provider's tokens made from its discovery
// metadata, as lovctl's sign-in checks the token it is handed and the
// console's dashboard sign-in checks an ID token.

#ifndef LOV_PLATFORM_AUTH_PROVIDER_VERIFIER_H_
#define LOV_PLATFORM_AUTH_PROVIDER_VERIFIER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/auth/oidc_discovery.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"

namespace lov::auth {

// The provider's key set fetched once from its jwks_uri (the server's
// certificate checked against `ca_file` when set, the request bounded by
// `timeout`), and a verifier of tokens issued by `idp.issuer` for
// `audience`, within `clock_skew`.
absl::StatusOr<std::unique_ptr<TokenVerifier>> ProviderVerifier(
    const ProviderMetadata& idp, const std::string& audience,
    const std::string& ca_file, absl::Duration timeout, const Clock* clock,
    absl::Duration clock_skew = VerifierOptions().clock_skew);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_PROVIDER_VERIFIER_H_
