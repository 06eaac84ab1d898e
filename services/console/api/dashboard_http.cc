#include "lov/console/api/dashboard_http.h"

#include <httplib.h>

#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lov/console/api/continuity_as_of_panel.h"
#include "lov/console/api/dashboard_page.h"
#include "lov/console/api/neutrality_panel.h"
#include "lov/console/api/runbooks_page.h"
#include "lov/console/api/sign_in_page.h"

namespace lov::console {
namespace {

constexpr char kCookie[] = "lov_session";
constexpr char kStateCookie[] = "lov_oidc_state";

std::string CookieValue(const http::Request& request, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(request.Header("cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

std::string SessionId(const http::Request& request) {
  return CookieValue(request, kCookie);
}

// Strict: the browser sends it only with requests from the dashboard's own
// pages, so another site cannot act with it.
std::string Cookie(const std::string& id, bool tls, bool end) {
  return absl::StrCat(kCookie, "=", id, "; Path=/; HttpOnly; SameSite=Strict",
                      tls ? "; Secure" : "", end ? "; Max-Age=0" : "");
}

http::Response Html(int status, std::string body) {
  return {status, "text/html; charset=utf-8", std::move(body), {}};
}

http::Response SeeOther(const std::string& location) {
  return {303, "text/plain; charset=utf-8", "", {{"Location", location}}};
}

// "127.0.0.1" of "127.0.0.1:8080", "[::1]" of "[::1]:8080".
absl::string_view HostOf(absl::string_view host_port) {
  const size_t end = host_port.rfind(']');
  const size_t colon = host_port.rfind(':');
  if (colon == absl::string_view::npos ||
      (end != absl::string_view::npos && colon < end)) {
    return host_port;
  }
  return host_port.substr(0, colon);
}

// A form posted from another site (login CSRF, sign-out by a link) has an
// Origin of another scheme or host. Another port of the same host is the
// same site, as for the SameSite=Strict cookie itself.
bool FromOwnSite(const http::Request& request) {
  const std::string header = request.Header("origin");
  const std::string host = request.Header("host");
  absl::string_view origin = header;
  if (origin.empty()) return true;
  return absl::ConsumePrefix(&origin, request.tls ? "https://" : "http://") &&
         HostOf(origin) == HostOf(host);
}

http::Response PostLogin(DashboardSignIn* sign_in,
                         const http::Request& request) {
  auto field = request.form.find("token");
  if (field == request.form.end() || field->second.empty()) {
    return Html(401, SignInPage("no token in the form"));
  }
  absl::StatusOr<std::string> id =
      sign_in->SignIn(std::string(absl::StripAsciiWhitespace(field->second)),
                      request.remote_addr);
  if (id.status().code() == absl::StatusCode::kPermissionDenied) {
    return Html(403, ForbiddenPage(std::string(id.status().message())));
  }
  if (!id.ok())
    return Html(401, SignInPage(std::string(id.status().message())));
  http::Response done = SeeOther("/");
  done.headers.emplace_back("Set-Cookie", Cookie(*id, request.tls, false));
  return done;
}

// Ends the session here and, for one opened at the identity provider whose
// discovery names an end_session_endpoint, sends the browser there to end
// that sign-in too (it comes back to the post-logout redirect URI).
http::Response PostLogout(DashboardSignIn* sign_in, OidcDashboardSignIn* oidc,
                          const http::Request& request) {
  const std::string id_token = sign_in->SignOut(SessionId(request));
  std::optional<std::string> at_idp;
  if (oidc != nullptr) at_idp = oidc->EndSessionUrl(id_token);
  http::Response done = SeeOther(at_idp.value_or("/login"));
  done.headers.emplace_back("Set-Cookie", Cookie("", request.tls, true));
  return done;
}

http::Response Post(DashboardSignIn* sign_in, OidcDashboardSignIn* oidc,
                    const http::Request& request) {
  if (!FromOwnSite(request)) {
    return {403,
            "text/plain; charset=utf-8",
            "refused: a form posted from another site\n",
            {}};
  }
  if (request.path == "/login") return PostLogin(sign_in, request);
  if (request.path == "/logout") return PostLogout(sign_in, oidc, request);
  return {405, "text/plain; charset=utf-8", "only GET here\n", {}};
}

// Lax, not Strict: the browser comes back from the identity provider's
// site and must send it then. Only for /login/..., for ten minutes.
std::string StateCookie(const std::string& state, bool tls) {
  return absl::StrCat(kStateCookie, "=", state,
                      "; Path=/login; HttpOnly; SameSite=Lax; Max-Age=",
                      state.empty() ? "0" : "600", tls ? "; Secure" : "");
}

http::Response StartOidc(OidcDashboardSignIn* oidc,
                         const http::Request& request) {
  absl::StatusOr<OidcDashboardSignIn::Redirect> to = oidc->Start();
  if (!to.ok()) {
    return Html(503, SignInPage(absl::StrCat("the identity provider cannot be "
                                             "reached: ",
                                             to.status().message()),
                                true));
  }
  http::Response go = SeeOther(to->url);
  go.headers.emplace_back("Set-Cookie", StateCookie(to->state, request.tls));
  return go;
}

http::Response FinishOidc(OidcDashboardSignIn* oidc,
                          const http::Request& request) {
  httplib::Params query;
  httplib::detail::parse_query_text(request.query, query);
  auto param = [&](const char* name) {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  };
  const std::string state = param("state");
  absl::StatusOr<std::string> id = absl::UnauthenticatedError(
      "this sign-in was not started in this browser: sign in again");
  if (!param("error").empty()) {
    id = absl::UnauthenticatedError(absl::StrCat(
        "the identity provider did not sign you in (", param("error"), ")"));
  } else if (!state.empty() && state == CookieValue(request, kStateCookie)) {
    id = oidc->Finish(state, param("code"), request.remote_addr);
  }
  http::Response done;
  if (id.status().code() == absl::StatusCode::kPermissionDenied) {
    done = Html(403, ForbiddenPage(std::string(id.status().message())));
  } else if (!id.ok()) {
    done = Html(401, SignInPage(std::string(id.status().message()), true));
  } else {
    // A page, not a redirect: after a hop through the IdP's site the
    // browser would not send the Strict session cookie on a redirect.
    done = Html(200, SignedInPage());
    done.headers.emplace_back("Set-Cookie", Cookie(*id, request.tls, false));
  }
  done.headers.emplace_back("Set-Cookie", StateCookie("", request.tls));
  return done;
}

// The pages behind sign-in, for a session in `role`.
http::Response Dashboard(const ConsoleApp* app, const http::Request& request,
                         auth::v1::Role role) {
  http::Response response;
  if (request.path == "/" || request.path == "/index.html") {
    response.content_type = "text/html; charset=utf-8";
    response.body = DashboardPage();
  } else if (request.path == "/api/dashboard") {
    response.content_type = "application/json; charset=utf-8";
    nlohmann::json snapshot = app->Snapshot();
    ShowNeutralityTo(role, &snapshot);
    ShowContinuityAsOfTo(role, &snapshot);
    // Replace, not throw, should an event carry bad UTF-8.
    response.body =
        snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    response.status = 404;
    response.body = "not found; the dashboard is at /\n";
  }
  return response;
}

http::Response NotSignedIn(const http::Request& request,
                           const absl::Status& why) {
  if (absl::StartsWith(request.path, "/api/")) {
    return {401,
            "application/json; charset=utf-8",
            R"({"error":"not signed in: sign in at /login"})",
            {}};
  }
  return Html(401, SignInPage(std::string(why.message())));
}

}  // namespace

http::Handler DashboardHandler(const ConsoleApp* app, DashboardSignIn* sign_in,
                               OidcDashboardSignIn* oidc) {
  return [app, sign_in, oidc](const http::Request& request) -> http::Response {
    if (request.method == "POST") return Post(sign_in, oidc, request);
    if (request.path == "/healthz") return {200, "text/plain", "ok\n", {}};
    if (request.path == "/runbooks") {
      static const std::string* page =
          new std::string(MarkdownPage("LOV runbooks", RunbooksMarkdown()));
      return Html(200, *page);
    }
    if (request.path == "/login") {
      return Html(200, SignInPage("", oidc != nullptr));
    }
    if (oidc != nullptr && request.path == "/login/oidc") {
      return StartOidc(oidc, request);
    }
    if (oidc != nullptr && request.path == "/login/callback") {
      return FinishOidc(oidc, request);
    }
    absl::StatusOr<auth::Principal> who = sign_in->Check(SessionId(request));
    if (!who.ok()) return NotSignedIn(request, who.status());
    return Dashboard(app, request, who->role);
  };
}

}  // namespace lov::console
