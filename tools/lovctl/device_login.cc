#include "device_login.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lov/platform/actor.h"
#include "lov/platform/auth/device_grant.h"
#include "lov/platform/auth/jose.h"
#include "lov/platform/auth/oidc_discovery.h"
#include "lov/platform/auth/oidc_http.h"
#include "lov/platform/auth/provider_verifier.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"
#include "token_file.h"

namespace lov::cli {
namespace {

absl::Status Named(const absl::Status& status, absl::string_view step) {
  return absl::Status(status.code(),
                      absl::StrCat(step, ": ", status.message()));
}

struct Accepted {
  std::string token;
  auth::Principal principal;
};

// The access token is what the services take; an identity provider whose
// access tokens are opaque may put the same claims in the ID token.
// UNAUTHENTICATED when neither is one the services would accept.
absl::StatusOr<Accepted> AcceptedToken(const auth::ProviderMetadata& idp,
                                       const std::string& audience,
                                       const std::string& ca_file,
                                       absl::Duration clock_skew,
                                       const auth::TokenSet& tokens,
                                       const Clock* clock) {
  // A verifier as the services make one, with the IdP's current keys.
  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> verifier =
      auth::ProviderVerifier(idp, audience, ca_file, absl::Seconds(10), clock,
                             clock_skew);
  if (!verifier.ok()) return Named(verifier.status(), "key set");
  absl::StatusOr<auth::Principal> principal =
      (*verifier)->Verify(tokens.access_token);
  if (principal.ok()) return Accepted{tokens.access_token, *principal};
  if (!tokens.id_token.empty()) {
    if (auto by_id_token = (*verifier)->Verify(tokens.id_token);
        by_id_token.ok()) {
      return Accepted{tokens.id_token, *by_id_token};
    }
  }
  return absl::UnauthenticatedError(absl::StrCat(
      "the identity provider's token is not one the services accept (",
      principal.status().message(), ")"));
}

// The "exp" of a stored token (verified when it was stored); nullopt for
// one that is not a JWT with an expiry.
std::optional<absl::Time> ExpiryOf(absl::string_view token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::optional<std::string> payload =
      parts.size() == 3 ? auth::jose::Base64UrlDecode(parts[1]) : std::nullopt;
  const nlohmann::json claims =
      nlohmann::json::parse(payload.value_or(""), nullptr, false);
  if (!claims.is_object() || !claims.contains("exp") ||
      !claims["exp"].is_number()) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(claims["exp"].get<int64_t>());
}

std::string SignInAgain(const StoredSignIn& saved) {
  return absl::StrCat("run lovctl login --issuer ", saved.issuer, " again");
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
  absl::StatusOr<Accepted> accepted =
      AcceptedToken(*idp, settings.audience, settings.ca_file,
                    settings.clock_skew, *tokens, &clock);
  if (!accepted.ok()) {
    return absl::Status(
        accepted.status().code(),
        absl::StrCat(accepted.status().message(), "; nothing was stored"));
  }
  const auth::Principal* principal = &accepted->principal;
  StoredSignIn saved{.token = accepted->token};
  if (!tokens->refresh_token.empty()) {
    saved.refresh_token = tokens->refresh_token;
    saved.issuer = settings.issuer;
    saved.client_id = settings.client_id;
    saved.audience = settings.audience;
    // Absolute: later commands may run from another directory.
    saved.ca_file = settings.ca_file.empty()
                        ? ""
                        : std::filesystem::absolute(settings.ca_file).string();
  }
  if (absl::Status s = WriteTokenFile(settings.token_file, saved); !s.ok()) {
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

absl::Status RefreshSignIn(const std::string& token_file, absl::Duration margin,
                           const Clock* clock) {
  absl::StatusOr<StoredSignIn> saved = ReadTokenFile(token_file);
  if (!saved.ok() || saved->refresh_token.empty()) return absl::OkStatus();
  const std::optional<absl::Time> expiry = ExpiryOf(saved->token);
  const absl::Time now = clock->Now();
  if (expiry.has_value() && *expiry - now > margin) return absl::OkStatus();
  const bool still_valid = expiry.has_value() && *expiry > now;
  // The IdP out of reach: a token that still works goes out as it is.
  auto unreachable = [&](const absl::Status& why) {
    if (still_valid) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(
        "the sign-in has expired and could not be renewed at ", saved->issuer,
        " (", why.message(), "); try again, or ", SignInAgain(*saved)));
  };
  const auth::OidcHttpOptions http{saved->ca_file, absl::Seconds(10)};
  absl::StatusOr<auth::ProviderMetadata> idp =
      auth::DiscoverProvider(saved->issuer, http);
  if (!idp.ok()) return unreachable(idp.status());
  absl::StatusOr<auth::HttpAnswer> answer =
      auth::HttpPostForm(idp->token_endpoint,
                         {{"grant_type", "refresh_token"},
                          {"refresh_token", saved->refresh_token},
                          {"client_id", saved->client_id}},
                         http);
  if (!answer.ok()) return unreachable(answer.status());
  if (answer->status >= 500) {
    return unreachable(absl::UnavailableError(
        absl::StrCat("its token endpoint answered HTTP ", answer->status)));
  }
  if (answer->status != 200) {
    // Another lovctl may have renewed it a moment ago (the IdP then refuses
    // the refresh token it rotated away): its token serves.
    if (absl::StatusOr<StoredSignIn> now_saved = ReadTokenFile(token_file);
        now_saved.ok() && now_saved->refresh_token != saved->refresh_token) {
      const std::optional<absl::Time> fresh = ExpiryOf(now_saved->token);
      if (fresh.has_value() && *fresh > clock->Now()) return absl::OkStatus();
    }
    const nlohmann::json doc =
        nlohmann::json::parse(answer->body, nullptr, false);
    const std::string error =
        doc.is_object() && doc.contains("error") && doc["error"].is_string()
            ? doc["error"].get<std::string>()
            : "";
    return absl::UnauthenticatedError(absl::StrCat(
        "the identity provider refused to renew your sign-in (HTTP ",
        answer->status, error.empty() ? "" : ", " + error,
        "): it has expired or was revoked; ", SignInAgain(*saved)));
  }
  absl::StatusOr<auth::PollAnswer> read = auth::ReadPollAnswer(*answer);
  if (!read.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("renewing the sign-in failed (", read.status().message(),
                     "); ", SignInAgain(*saved)));
  }
  absl::StatusOr<Accepted> accepted =
      AcceptedToken(*idp, saved->audience, saved->ca_file, absl::Seconds(60),
                    read->tokens, clock);
  if (!accepted.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "renewing the sign-in failed: ", accepted.status().message(), "; ",
        SignInAgain(*saved)));
  }
  StoredSignIn renewed = *saved;
  renewed.token = accepted->token;
  if (!read->tokens.refresh_token.empty()) {
    renewed.refresh_token = read->tokens.refresh_token;
  }
  return WriteTokenFile(token_file, renewed);
}

}  // namespace lov::cli
