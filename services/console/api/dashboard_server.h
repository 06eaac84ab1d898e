#ifndef LOV_CONSOLE_API_DASHBOARD_SERVER_H_
#define LOV_CONSOLE_API_DASHBOARD_SERVER_H_

#include <string>

#include "absl/status/status.h"
#include "lov/console/adapters/choice_neutrality_client.h"
#include "lov/console/adapters/followup_indicators_client.h"
#include "lov/console/app/console_app.h"
#include "lov/console/app/oidc_dashboard_sign_in.h"
#include "lov/platform/config.h"
#include "lov/platform/service_main.h"

namespace lov::console {

// --http-port / LOV_HTTP_PORT, --http-listen-address /
// LOV_HTTP_LISTEN_ADDRESS ("127.0.0.1" for a local run).
// Sign-in at the identity provider (OidcDashboardSignIn):
// --dashboard-oidc-issuer, --dashboard-oidc-client-id (default lov-console),
// --dashboard-oidc-redirect-uri (required with an issuer),
// --dashboard-oidc-scope (default openid), --dashboard-oidc-ca-file,
// --dashboard-oidc-post-logout-redirect-uri (default the redirect URI's
// .../login) (LOV_DASHBOARD_OIDC_...); without an issuer the paste-a-token
// form only.
// The neutrality panel asks the choice service (ReadNeutralitySettings), the
// continuity panel's as-of rows the follow-up service
// (ReadIndicatorsSettings, with the same client certificate).
struct DashboardSettings {
  int port = 8080;
  std::string listen_address = "0.0.0.0";
  OidcDashboardSettings oidc;
  PanelSettings neutrality;
  PanelSettings indicators;
};
DashboardSettings ReadDashboardSettings(Config& config);

// Serves the dashboard of `app` behind sign-in (dashboard_http.h) with the
// service's token verifier: user traffic, on a port apart from the metrics
// port, over HTTPS with the service's certificate unless gRPC runs in
// plaintext (development). Its parts live in `ctx`, which stops it at
// shutdown. While the console serves, `app`'s neutrality panel is asked of
// the choice service (WatchNeutrality) and its continuity as-of rows of the
// follow-up service (WatchIndicatorsAsOf).
absl::Status ServeDashboard(ServiceContext& ctx, ConsoleApp* app,
                            const DashboardSettings& settings);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_DASHBOARD_SERVER_H_
