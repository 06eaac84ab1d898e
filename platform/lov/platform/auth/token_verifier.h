// Sign-in: checks an OIDC bearer token (a JWT signed by the municipality's
// identity provider, RS256 or ES256) against the provider's published keys
// (JWKS) and reads the principal from its claims.

#ifndef LOV_PLATFORM_AUTH_TOKEN_VERIFIER_H_
#define LOV_PLATFORM_AUTH_TOKEN_VERIFIER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/auth/bearer_verifier.h"
#include "lov/platform/auth/jose.h"
#include "lov/platform/auth/principal.h"
#include "lov/platform/clock.h"

namespace lov::auth {

// Where the principal is in the token's claims; identity providers differ.
struct ClaimNames {
  std::string role = "lov_role";                // a role name, required
  std::string organisation = "lov_org";         // optional
  std::string provider_id = "lov_provider_id";  // only with role provider
  std::string hsa_id = "hsa_id";                // the subject; else "sub"
  std::string display_name = "name";            // optional
};

struct VerifierOptions {
  std::string issuer;    // "iss" must equal it
  std::string audience;  // "aud" must equal it or, as a list, contain it
  // How far the identity provider's clock may be from ours.
  absl::Duration clock_skew = absl::Seconds(60);
  ClaimNames claims;
};

// True for a refusal because the token names a key id (kid) the key set
// does not hold: the identity provider may have rotated its keys.
bool IsUnknownKey(const absl::Status& status);

class TokenVerifier : public BearerVerifier {
 public:
  // From the identity provider's key set ({"keys": [JWK, ...]}); keys for
  // encryption ("use": "enc"), of types other than RSA and EC P-256, or
  // declared for another algorithm than RS256/ES256 are left out.
  // InvalidArgument if the set has no usable key, an RSA key is shorter than
  // 2048 bits, or the issuer or audience is empty. `clock` must outlive the
  // verifier.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(
      std::string_view jwks_json, VerifierOptions options, const Clock* clock);
  // The same, with the key set read from a file.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> FromJwksFile(
      const std::string& path, VerifierOptions options, const Clock* clock);

  // The principal of a valid token ("Bearer " prefix allowed). The token is
  // a compact JWS with alg RS256 or ES256 matching its key (chosen by "kid",
  // or the only key when there is no kid), a valid signature, "iss" and
  // "aud" as configured, "exp" not passed and "nbf"/"iat" not in the future
  // (both within the clock skew), and a principal that keeps
  // ValidatePrincipal. Every refusal is UNAUTHENTICATED with a short reason
  // that never echoes the token (a token signed with a key this set does not
  // hold is marked: IsUnknownKey). Thread-safe.
  absl::StatusOr<Principal> Verify(
      std::string_view bearer_token) const override;

  size_t key_count() const { return keys_.size(); }

 private:
  struct Key {
    std::string kid;  // empty if the JWK has none
    std::string alg;  // the only algorithm the key signs with
    jose::JwkPtr jwk;
  };

  TokenVerifier(std::vector<Key> keys, VerifierOptions options,
                const Clock* clock)
      : keys_(std::move(keys)), options_(std::move(options)), clock_(clock) {}

  absl::StatusOr<const Key*> KeyFor(std::string_view kid, bool has_kid) const;

  std::vector<Key> keys_;
  VerifierOptions options_;
  const Clock* clock_;
};

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_TOKEN_VERIFIER_H_
