// A token issuer for local development only: one EC P-256 key pair, kept
// as a private JWK file, that signs ES256 tokens for any role so `make run`,
// lovctl and the simulator can sign in without the municipality's identity
// provider. Services trust it only when configured with its public JWKS.

#ifndef LOV_PLATFORM_AUTH_DEV_ISSUER_H_
#define LOV_PLATFORM_AUTH_DEV_ISSUER_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/auth/jose.h"
#include "lov/platform/auth/principal.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"

namespace lov::auth {

class DevIssuer {
 public:
  static constexpr char kIssuer[] = "lov-dev-issuer";
  static constexpr char kAudience[] = "lov";

  // A fresh key held in memory only (tests). `clock` must outlive the
  // issuer.
  static absl::StatusOr<DevIssuer> Generate(const Clock* clock);
  // The key in the private JWK file `path`; NotFound if there is none,
  // FailedPrecondition if others may read it (it must be mode 0600).
  static absl::StatusOr<DevIssuer> Load(const std::string& path,
                                        const Clock* clock);
  // Load, or when the file does not exist a fresh key written there with
  // mode 0600. Several processes starting at once end up with one key.
  static absl::StatusOr<DevIssuer> LoadOrCreate(const std::string& path,
                                                const Clock* clock);

  // The public key set to trust it by: {"keys": [the public JWK]}.
  std::string PublicJwks() const;
  absl::Status WritePublicJwks(const std::string& path) const;
  // What a TokenVerifier needs besides the key set.
  static VerifierOptions TrustOptions();

  // A token for the principal, valid from now for `lifetime`, with the
  // default claim names (ClaimNames). InvalidArgument if the principal
  // breaks ValidatePrincipal or the lifetime is not positive.
  absl::StatusOr<std::string> Issue(v1::Role role, std::string_view subject,
                                    std::string_view organisation,
                                    std::string_view provider_id,
                                    absl::Duration lifetime) const;
  // Any claims (a JSON object) signed with the key; for tests of refusals.
  absl::StatusOr<std::string> SignClaims(std::string_view claims_json) const;

  const std::string& kid() const { return kid_; }

 private:
  DevIssuer(jose::JwkPtr key, std::string kid, const Clock* clock)
      : key_(std::move(key)), kid_(std::move(kid)), clock_(clock) {}

  jose::JwkPtr key_;
  std::string kid_;
  const Clock* clock_;
};

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_DEV_ISSUER_H_
