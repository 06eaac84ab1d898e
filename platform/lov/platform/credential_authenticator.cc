#include "lov/platform/credential_authenticator.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "lov/platform/gateway_identity.h"
#include "lov/platform/identity_numbers.h"

namespace lov {
namespace {

constexpr char kServicePrefix[] = "service:";
constexpr char kProviderPrefix[] = "provider:";

std::string FirstValue(const grpc::AuthContext& auth, const char* property) {
  for (const auto& value : auth.FindPropertyValues(property)) {
    return std::string(value.data(), value.size());
  }
  return "";
}

}  // namespace

auth::v1::Actor CredentialAuthenticator::ActorOf(
    const auth::Principal& principal) {
  auth::v1::Actor actor;
  actor.set_subject(principal.subject);
  actor.set_role(principal.role);
  actor.set_organisation(principal.organisation);
  actor.set_provider_id(principal.provider_id);
  return actor;
}

absl::StatusOr<auth::v1::Actor> CredentialAuthenticator::ActorOfCertificate(
    const std::string& common_name) {
  auth::v1::Actor actor;
  actor.set_subject(common_name);
  absl::string_view name = common_name;
  if (absl::ConsumePrefix(&name, kServicePrefix) && !name.empty()) {
    actor.set_role(auth::v1::ROLE_SERVICE);
  } else if (absl::ConsumePrefix(&name, kProviderPrefix) && !name.empty()) {
    actor.set_role(auth::v1::ROLE_PROVIDER);
    actor.set_provider_id(std::string(name));
    actor.set_organisation(std::string(name));
  } else {
    return absl::UnauthenticatedError(
        "the client certificate names no system identity (service:<name> "
        "or provider:<provider id>)");
  }
  if (ContainsPersonnummer(common_name)) {
    return absl::UnauthenticatedError(
        "the client certificate's name holds a personal identity number");
  }
  return actor;
}

absl::StatusOr<auth::v1::Actor> CredentialAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto bearer = metadata.find("authorization");
  if (bearer != metadata.end()) {
    if (verifier_ == nullptr) {
      return absl::UnauthenticatedError(
          "bearer tokens are not accepted here (no identity provider "
          "configured)");
    }
    absl::StatusOr<auth::Principal> principal = verifier_->Verify(
        std::string_view(bearer->second.data(), bearer->second.size()));
    if (!principal.ok()) return principal.status();
    return ActorOf(*principal);
  }
  // A client certificate the HTTP/JSON listener verified (in-process only).
  if (std::optional<std::string> cn = GatewayCertificateName(context)) {
    return ActorOfCertificate(*cn);
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    const std::string cn = FirstValue(*auth, "x509_common_name");
    if (!cn.empty()) return ActorOfCertificate(cn);
  }
  return absl::UnauthenticatedError(
      "no credential: sign in (a bearer token in the authorization header) "
      "or connect with a client certificate");
}

}  // namespace lov
