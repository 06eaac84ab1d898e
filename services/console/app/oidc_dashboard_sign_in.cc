#include "lov/console/app/oidc_dashboard_sign_in.h"

#include <httplib.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lov/platform/auth/provider_verifier.h"
#include "lov/platform/auth/token_verifier.h"

namespace lov::console {
namespace {

// A person has this long to sign in at the IdP; at most this many sign-ins
// wait at once (the oldest is dropped first), so the table stays bounded.
constexpr absl::Duration kPendingLifetime = absl::Minutes(10);
constexpr size_t kMaxPending = 1000;

}  // namespace

OidcDashboardSignIn::OidcDashboardSignIn(OidcDashboardSettings settings,
                                         DashboardSignIn* sign_in,
                                         const Clock* clock)
    : settings_(std::move(settings)),
      http_{settings_.ca_file, absl::Seconds(10)},
      sign_in_(sign_in),
      clock_(clock) {}

absl::StatusOr<auth::ProviderMetadata> OidcDashboardSignIn::Metadata() {
  {
    absl::MutexLock lock(&mu_);
    if (metadata_.has_value()) return *metadata_;
  }
  absl::StatusOr<auth::ProviderMetadata> found =
      auth::DiscoverProvider(settings_.issuer, http_);
  if (!found.ok()) return found.status();
  if (found->authorization_endpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(settings_.issuer, " has no authorization_endpoint"));
  }
  absl::MutexLock lock(&mu_);
  metadata_ = *found;
  return found;
}

absl::StatusOr<OidcDashboardSignIn::Redirect> OidcDashboardSignIn::Start() {
  absl::StatusOr<auth::ProviderMetadata> idp = Metadata();
  if (!idp.ok()) return idp.status();
  auth::AuthorizationRequest request{
      idp->authorization_endpoint, settings_.client_id,
      settings_.redirect_uri,      settings_.scope,
      auth::RandomUrlToken(),      auth::RandomUrlToken(),
      auth::RandomUrlToken()};
  Redirect redirect{auth::AuthorizationUrl(request), request.state};
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  std::erase_if(pending_,
                [&](const auto& p) { return p.second.expires <= now; });
  while (pending_.size() >= kMaxPending) {
    auto oldest = pending_.begin();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->second.expires < oldest->second.expires) oldest = it;
    }
    pending_.erase(oldest);
  }
  const std::string state = request.state;
  pending_[state] = {std::move(request), now + kPendingLifetime};
  return redirect;
}

absl::StatusOr<auth::Principal> OidcDashboardSignIn::VerifyIdToken(
    const auth::ProviderMetadata& idp, const std::string& id_token,
    const std::string& nonce) const {
  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> verifier =
      auth::ProviderVerifier(idp, settings_.client_id, settings_.ca_file,
                             http_.timeout, clock_);
  if (!verifier.ok()) return verifier.status();
  absl::StatusOr<auth::Principal> who = (*verifier)->Verify(id_token);
  if (!who.ok()) return who.status();
  if (absl::Status s = auth::CheckNonce(id_token, nonce); !s.ok()) return s;
  return who;
}

absl::StatusOr<std::string> OidcDashboardSignIn::Finish(
    std::string_view state, std::string_view code, std::string_view remote) {
  std::optional<Pending> pending;
  {
    absl::MutexLock lock(&mu_);
    auto it = pending_.find(std::string(state));
    if (it != pending_.end()) {
      if (it->second.expires > clock_->Now()) pending = std::move(it->second);
      pending_.erase(it);
    }
  }
  absl::StatusOr<auth::Principal> who = absl::UnauthenticatedError(
      "this sign-in is unknown, used or older than 10 minutes: sign in "
      "again");
  std::string id_token;
  if (pending.has_value()) {
    absl::StatusOr<auth::ProviderMetadata> idp = Metadata();
    absl::StatusOr<auth::HttpAnswer> answer =
        idp.ok() ? auth::HttpPostForm(
                       idp->token_endpoint,
                       auth::CodeExchangeForm(code, pending->request), http_)
                 : absl::StatusOr<auth::HttpAnswer>(idp.status());
    absl::StatusOr<auth::TokenSet> tokens =
        answer.ok() ? auth::ReadCodeExchange(*answer)
                    : absl::StatusOr<auth::TokenSet>(answer.status());
    if (tokens.ok()) {
      id_token = tokens->id_token;
      who = VerifyIdToken(*idp, id_token, pending->request.nonce);
    } else {
      who = absl::UnauthenticatedError(tokens.status().message());
    }
  }
  return sign_in_->SignInVerified(who, id_token, remote);
}

std::optional<std::string> OidcDashboardSignIn::EndSessionUrl(
    std::string_view id_token) {
  if (id_token.empty()) return std::nullopt;
  absl::StatusOr<auth::ProviderMetadata> idp = Metadata();
  if (!idp.ok() || idp->end_session_endpoint.empty()) return std::nullopt;
  std::string url = idp->end_session_endpoint;
  absl::StrAppend(
      &url, url.find('?') == std::string::npos ? "?" : "&", "id_token_hint=",
      httplib::detail::encode_query_param(std::string(id_token)),
      "&client_id=", httplib::detail::encode_query_param(settings_.client_id));
  if (!settings_.post_logout_redirect_uri.empty()) {
    absl::StrAppend(&url, "&post_logout_redirect_uri=",
                    httplib::detail::encode_query_param(
                        settings_.post_logout_redirect_uri));
  }
  return url;
}

}  // namespace lov::console
