#include "lov/platform/auth/provider_verifier.h"

#include "lov/platform/auth/key_set_source.h"

namespace lov::auth {

absl::StatusOr<std::unique_ptr<TokenVerifier>> ProviderVerifier(
    const ProviderMetadata& idp, const std::string& audience,
    const std::string& ca_file, absl::Duration timeout, const Clock* clock,
    absl::Duration clock_skew) {
  absl::StatusOr<KeySetFetcher> fetch =
      KeySetFromUrl(idp.jwks_uri, ca_file, timeout);
  if (!fetch.ok()) return fetch.status();
  absl::StatusOr<std::string> jwks = (*fetch)();
  if (!jwks.ok()) return jwks.status();
  VerifierOptions options;
  options.issuer = idp.issuer;
  options.audience = audience;
  options.clock_skew = clock_skew;
  return TokenVerifier::Create(*jwks, options, clock);
}

}  // namespace lov::auth
