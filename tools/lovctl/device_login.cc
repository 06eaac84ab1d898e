#include "device_login.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/actor.h"
#include "lov/platform/auth/device_grant.h"
#include "lov/platform/auth/key_set_source.h"
#include "lov/platform/auth/oidc_discovery.h"
#include "lov/platform/auth/oidc_http.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"
#include "token_file.h"

namespace lov::cli {
namespace {

absl::Status Named(const absl::Status& status, absl::string_view step) {
  return absl::Status(status.code(),
                      absl::StrCat(step, ": ", status.message()));
}

// A verifier as the services make one, with the IdP's current keys.
absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> ServicesVerifier(
    const auth::ProviderMetadata& idp, const DeviceLoginSettings& settings,
    const Clock* clock) {
  absl::StatusOr<auth::KeySetFetcher> fetch =
      auth::KeySetFromUrl(idp.jwks_uri, settings.ca_file, absl::Seconds(10));
  if (!fetch.ok()) return fetch.status();
  absl::StatusOr<std::string> jwks = (*fetch)();
  if (!jwks.ok()) return jwks.status();
  auth::VerifierOptions options;
  options.issuer = idp.issuer;
  options.audience = settings.audience;
  options.clock_skew = settings.clock_skew;
  return auth::TokenVerifier::Create(*jwks, options, clock);
}

}  // namespace

absl::Status DeviceLogin(const DeviceLoginSettings& settings,
                         std::ostream& out) {
  const auth::OidcHttpOptions http{settings.ca_file, absl::Seconds(10)};
  absl::StatusOr<auth::ProviderMetadata> idp =
      auth::DiscoverProvider(settings.issuer, http);
  if (!idp.ok()) return Named(idp.status(), "discovery");
  if (idp->device_authorization_endpoint.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        settings.issuer,
        " offers no device sign-in (no device_authorization_endpoint)"));
  }
  absl::StatusOr<auth::HttpAnswer> started = auth::HttpPostForm(
      idp->device_authorization_endpoint,
      {{"client_id", settings.client_id}, {"scope", settings.scope}}, http);
  if (!started.ok()) return Named(started.status(), "device authorization");
  absl::StatusOr<auth::DeviceAuthorization> grant =
      auth::ParseDeviceAuthorization(*started);
  if (!grant.ok()) return grant.status();
  out << "To sign in, open " << grant->verification_uri
      << " and enter the code " << grant->user_code << "\n";
  if (!grant->verification_uri_complete.empty()) {
    out << "(or open " << grant->verification_uri_complete << ")\n";
  }
  out << "Waiting for approval (the code is valid for "
      << absl::FormatDuration(grant->expires_in) << ") ..." << std::endl;

  SystemClock clock;
  const auth::DeviceGrantPorts ports{
      [&](const auth::FormFields& form) {
        return auth::HttpPostForm(idp->token_endpoint, form, http);
      },
      [](absl::Duration d) { absl::SleepFor(d); }, &clock};
  absl::StatusOr<auth::TokenSet> tokens =
      auth::PollForTokens(*grant, settings.client_id, ports);
  if (!tokens.ok()) return tokens.status();
  // The access token is what the services take; an identity provider whose
  // access tokens are opaque may put the same claims in the ID token.
  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> verifier =
      ServicesVerifier(*idp, settings, &clock);
  if (!verifier.ok()) return Named(verifier.status(), "key set");
  std::string token = tokens->access_token;
  absl::StatusOr<auth::Principal> principal = (*verifier)->Verify(token);
  if (!principal.ok() && !tokens->id_token.empty()) {
    if (auto by_id_token = (*verifier)->Verify(tokens->id_token);
        by_id_token.ok()) {
      token = tokens->id_token;
      principal = std::move(by_id_token);
    }
  }
  if (!principal.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the identity provider's token is not one the services accept (",
        principal.status().message(), "); nothing was stored"));
  }
  if (absl::Status s = WriteTokenFile(settings.token_file, token); !s.ok()) {
    return s;
  }
  out << "Signed in as " << principal->subject << " ("
      << RoleName(principal->role)
      << (principal->provider_id.empty()
              ? ""
              : absl::StrCat(", provider ", principal->provider_id))
      << "); the token is in " << settings.token_file << "\n";
  return absl::OkStatus();
}

}  // namespace lov::cli
