#include "lov/console/api/dashboard_server.h"

#include <cstring>

#include "absl/strings/match.h"
#include "lov/console/adapters/session_table.h"
#include "lov/console/api/dashboard_http.h"
#include "lov/console/app/dashboard_sign_in.h"
#include "lov/platform/http_server.h"

namespace lov::console {
namespace {

// Signed-in browsers: at most this many, each for at most a working day
// (less when the token expires earlier).
constexpr size_t kMaxSessions = 1000;
constexpr absl::Duration kMaxSessionLifetime = absl::Hours(8);

http::ServerOptions ServerOptions(const DashboardSettings& d,
                                  const CommonSettings& s) {
  http::ServerOptions o;
  o.listen_address = d.listen_address;
  o.port = d.port;
  o.settings =
      "--http-port (LOV_HTTP_PORT) and --http-listen-address "
      "(LOV_HTTP_LISTEN_ADDRESS)";
  // A few browsers polling; each keeps up to six connections alive.
  o.threads = 8;
  o.accept_post = true;  // the sign-in and sign-out forms
  if (!s.tls.insecure_plaintext) {
    o.tls_cert_file = s.tls.cert_file;
    o.tls_key_file = s.tls.key_file;
  }
  return o;
}

}  // namespace

DashboardSettings ReadDashboardSettings(Config& config) {
  DashboardSettings d;
  d.port = config.Port("http-port", 8080);
  d.listen_address = config.String("http-listen-address", "0.0.0.0");
  if (d.listen_address.empty()) {
    config.AddError("--http-listen-address (LOV_HTTP_LISTEN_ADDRESS): empty");
  }
  d.neutrality = ReadNeutralitySettings(config);
  d.indicators = ReadIndicatorsSettings(config);
  d.oidc.issuer = config.String("dashboard-oidc-issuer", "");
  d.oidc.client_id = config.String("dashboard-oidc-client-id", "lov-console");
  d.oidc.redirect_uri = config.String("dashboard-oidc-redirect-uri", "");
  d.oidc.scope = config.String("dashboard-oidc-scope", "openid");
  d.oidc.ca_file = config.String("dashboard-oidc-ca-file", "");
  // Default: the sign-in page next to the callback (.../login/callback ->
  // .../login); the IdP must know it as a post-logout redirect URI.
  std::string after_logout = d.oidc.redirect_uri;
  if (absl::EndsWith(after_logout, "/login/callback")) {
    after_logout.resize(after_logout.size() - std::strlen("/callback"));
  }
  d.oidc.post_logout_redirect_uri =
      config.String("dashboard-oidc-post-logout-redirect-uri", after_logout);
  if (!d.oidc.issuer.empty() && d.oidc.redirect_uri.empty()) {
    config.AddError(
        "--dashboard-oidc-redirect-uri (LOV_DASHBOARD_OIDC_REDIRECT_URI): "
        "required with --dashboard-oidc-issuer (the dashboard's "
        "https://<host>/login/callback)");
  }
  return d;
}

absl::Status ServeDashboard(ServiceContext& ctx, ConsoleApp* app,
                            const DashboardSettings& settings) {
  auto* sessions =
      ctx.Make<SessionTable>(ctx.clock(), kMaxSessions, kMaxSessionLifetime);
  auto* sign_in = ctx.Make<DashboardSignIn>(ctx.bearer_verifier(), sessions);
  OidcDashboardSignIn* oidc =
      settings.oidc.issuer.empty()
          ? nullptr
          : ctx.Make<OidcDashboardSignIn>(settings.oidc, sign_in, ctx.clock());
  auto* server = ctx.Make<http::Server>(DashboardHandler(app, sign_in, oidc));
  absl::Status started = server->Start(ServerOptions(settings, ctx.settings()));
  if (!started.ok()) return started;
  ctx.OnShutdown([server] { server->Stop(); });
  absl::Status neutrality = WatchNeutrality(ctx, app, settings.neutrality);
  if (!neutrality.ok()) return neutrality;
  return WatchIndicatorsAsOf(ctx, app, settings.indicators);
}

}  // namespace lov::console
