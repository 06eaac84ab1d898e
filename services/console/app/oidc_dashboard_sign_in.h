#ifndef LOV_CONSOLE_APP_OIDC_DASHBOARD_SIGN_IN_H_
#define LOV_CONSOLE_APP_OIDC_DASHBOARD_SIGN_IN_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lov/console/app/dashboard_sign_in.h"
#include "lov/platform/auth/authorization_code.h"
#include "lov/platform/auth/oidc_discovery.h"
#include "lov/platform/clock.h"

namespace lov::console {

// --dashboard-oidc-issuer etc. (ReadDashboardSettings); no issuer: the
// dashboard offers the paste-a-token form only.
struct OidcDashboardSettings {
  std::string issuer;
  std::string client_id;     // the console's client id at the IdP
  std::string redirect_uri;  // https://<console>/login/callback
  std::string scope = "openid";
  std::string ca_file;  // the IdP's CA; empty: the system's CAs
  // Where the IdP sends the browser after signing it out there
  // (https://<console>/login; registered at the IdP like redirect_uri).
  std::string post_logout_redirect_uri;
};

// Sign-in to the dashboard through the identity provider: the OpenID
// Connect authorization code flow with PKCE. Start sends the browser to the
// IdP with a fresh state, nonce and code challenge; Finish takes the code
// back (once: a state is used up by its first callback), exchanges it with
// the verifier, checks the ID token (the IdP's JWKS, issuer, audience = the
// client id, expiry, the nonce sent) and opens a session as the pasted-token
// form does (same roles, same log). The IdP's endpoints are discovered at
// the first sign-in, so the console starts while the IdP is down.
// Thread-safe.
class OidcDashboardSignIn {
 public:
  // `sign_in` and `clock` must outlive this.
  OidcDashboardSignIn(OidcDashboardSettings settings, DashboardSignIn* sign_in,
                      const Clock* clock);

  struct Redirect {
    std::string url;    // the IdP's authorization URL
    std::string state;  // for the browser's state cookie
  };
  absl::StatusOr<Redirect> Start();

  // A session id for the callback's `state` and `code`; UNAUTHENTICATED
  // with the reason (unknown or expired state, refused code, a token that
  // does not verify, a wrong nonce), PERMISSION_DENIED naming the rule for
  // a role that may not open the dashboard.
  absl::StatusOr<std::string> Finish(std::string_view state,
                                     std::string_view code,
                                     std::string_view remote);

  // Where to send the browser whose session (opened with `id_token`) has
  // just ended, to end its sign-in at the IdP too (OpenID Connect
  // RP-Initiated Logout 1.0): the IdP's end_session_endpoint with
  // id_token_hint, client_id and post_logout_redirect_uri. nullopt when the
  // IdP names no end_session_endpoint, cannot be reached, or there is no
  // ID token (a pasted-token session).
  std::optional<std::string> EndSessionUrl(std::string_view id_token);

 private:
  struct Pending {
    auth::AuthorizationRequest request;
    absl::Time expires;
  };
  absl::StatusOr<auth::ProviderMetadata> Metadata();
  absl::StatusOr<auth::Principal> VerifyIdToken(
      const auth::ProviderMetadata& idp, const std::string& id_token,
      const std::string& nonce) const;

  const OidcDashboardSettings settings_;
  const auth::OidcHttpOptions http_;
  DashboardSignIn* const sign_in_;
  const Clock* const clock_;
  absl::Mutex mu_;
  std::optional<auth::ProviderMetadata> metadata_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Pending> pending_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_APP_OIDC_DASHBOARD_SIGN_IN_H_
