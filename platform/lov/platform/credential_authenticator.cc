#include "lov/platform/credential_authenticator.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>

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

std::optional<absl::Time> CredentialAuthenticator::NotAfter(
    const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return std::nullopt;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    return std::nullopt;
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

absl::StatusOr<auth::v1::Actor> CredentialAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) {
  absl::StatusOr<Caller> caller = AuthenticateWithTerm(context);
  if (!caller.ok()) return caller.status();
  return std::move(caller->actor);
}

absl::StatusOr<Authenticator::Caller>
CredentialAuthenticator::AuthenticateWithTerm(
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
    return Caller{ActorOf(*principal),
                  {principal->valid_until, "bearer token"}};
  }
  // A client certificate the HTTP/JSON listener verified (in-process only;
  // it serves no streams).
  if (std::optional<std::string> cn = GatewayCertificateName(context)) {
    absl::StatusOr<auth::v1::Actor> actor = ActorOfCertificate(*cn);
    if (!actor.ok()) return actor.status();
    return Caller{*std::move(actor), CredentialTerm()};
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    const std::string cn = FirstValue(*auth, "x509_common_name");
    if (!cn.empty()) {
      absl::StatusOr<auth::v1::Actor> actor = ActorOfCertificate(cn);
      if (!actor.ok()) return actor.status();
      Caller caller{*std::move(actor), {}};
      caller.term.credential = "client certificate";
      // The handshake refused an expired certificate; one read here
      // always has a notAfter.
      caller.term.valid_until = NotAfter(FirstValue(*auth, "x509_pem_cert"))
                                    .value_or(absl::InfiniteFuture());
      return caller;
    }
  }
  return absl::UnauthenticatedError(
      "no credential: sign in (a bearer token in the authorization header) "
      "or connect with a client certificate");
}

}  // namespace lov
