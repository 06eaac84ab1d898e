#ifndef LOV_PLATFORM_CREDENTIAL_AUTHENTICATOR_H_
#define LOV_PLATFORM_CREDENTIAL_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string>

#include "lov/platform/auth/bearer_verifier.h"
#include "lov/platform/call_guard.h"

namespace lov {

// The caller's identity from its credential, in this order:
//   1. an OIDC bearer token ("authorization: Bearer <JWT>") that `verifier`
//      accepts: a person in the role its claims give;
//   2. a client certificate the TLS handshake verified against the
//      configured CA, whose common name names a system identity:
//      "service:<name>" (another LOV service, role service) or
//      "provider:<provider id>" (a provider's time-reporting system, role
//      provider, scoped to that provider); over HTTPS, the one the HTTP/JSON
//      listener verified, passed on in-process (gateway_identity.h).
// Anything else is UNAUTHENTICATED.
class CredentialAuthenticator : public Authenticator {
 public:
  // `verifier` may be null (then only client certificates count).
  explicit CredentialAuthenticator(
      std::shared_ptr<const auth::BearerVerifier> verifier)
      : verifier_(std::move(verifier)) {}

  absl::StatusOr<auth::v1::Actor> Authenticate(
      const grpc::ServerContextBase& context) override;
  // With the term: a token's valid_until, a gRPC client certificate's
  // notAfter.
  absl::StatusOr<Caller> AuthenticateWithTerm(
      const grpc::ServerContextBase& context) override;

  // The actor a verified client certificate's common name stands for;
  // UNAUTHENTICATED for a name that is no system identity.
  static absl::StatusOr<auth::v1::Actor> ActorOfCertificate(
      const std::string& common_name);
  // A PEM certificate's notAfter; nullopt if it cannot be read.
  static std::optional<absl::Time> NotAfter(const std::string& pem);
  // The actor of a verified token's principal.
  static auth::v1::Actor ActorOf(const auth::Principal& principal);

 private:
  std::shared_ptr<const auth::BearerVerifier> verifier_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_CREDENTIAL_AUTHENTICATOR_H_
