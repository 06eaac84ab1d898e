#ifndef LOV_CONSOLE_API_DASHBOARD_HTTP_H_
#define LOV_CONSOLE_API_DASHBOARD_HTTP_H_

#include "lov/console/app/console_app.h"
#include "lov/console/app/dashboard_sign_in.h"
#include "lov/console/app/oidc_dashboard_sign_in.h"
#include "lov/platform/http_server.h"

namespace lov::console {

// The dashboard's port. Every page and JSON endpoint needs a session
// (the cookie lov_session) unless `sign_in` is open (development):
//   GET  /               the dashboard page (polls /api/dashboard every 2 s);
//                        without a session the sign-in page, 401
//   GET  /api/dashboard  the snapshot as JSON; without a session 401
//   GET  /login          the sign-in page
//   POST /login          form field token=<bearer token>: the session cookie
//                        and 303 to /; a token that does not verify gets the
//                        sign-in page with the reason (401), one in another
//                        role a page naming the rule (403)
//   POST /logout         ends the session, 303 to /login; for a session
//                        opened at the IdP (`oidc`) whose discovery names
//                        an end_session_endpoint, 303 there instead
//                        (id_token_hint, client_id,
//                        post_logout_redirect_uri)
//   GET  /login/oidc     with `oidc`: 303 to the identity provider
//                        (authorization code flow with PKCE) and a
//                        short-lived state cookie (lov_oidc_state)
//   GET  /login/callback the IdP's answer (code, state): the state must be
//                        the browser's cookie; the session cookie and a page
//                        that opens / (200), else the sign-in page with the
//                        reason (401) or the rule (403)
//   GET  /healthz        the process answers (no session needed)
//   GET  /runbooks       docs/runbooks.md, the alerts' runbook_url (no
//                        session needed: public like the repository's docs)
// A POST whose Origin is another site (scheme or host) is refused (403).
// `oidc` null: the paste-a-token form only.
http::Handler DashboardHandler(const ConsoleApp* app, DashboardSignIn* sign_in,
                               OidcDashboardSignIn* oidc = nullptr);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_DASHBOARD_HTTP_H_
