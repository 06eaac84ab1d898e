#include "lov/console/api/dashboard_http.h"

#include <gtest/gtest.h>

#include <regex>

#include "lov/console/tests/dev_sign_in.h"

namespace lov::console {
namespace {

using Role = auth::v1::Role;

std::string HeaderOf(const http::Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

class DashboardHttpTest : public ::testing::Test {
 protected:
  http::Request Get(const std::string& path, const std::string& cookie = "") {
    http::Request r;
    r.method = "GET";
    r.path = path;
    if (!cookie.empty()) r.headers["cookie"] = cookie;
    return r;
  }
  http::Request Post(const std::string& path,
                     std::map<std::string, std::string> form) {
    http::Request r;
    r.method = "POST";
    r.path = path;
    r.form = std::move(form);
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["origin"] = "http://127.0.0.1:8080";
    return r;
  }
  // "lov_session=<id>" from a sign-in's Set-Cookie.
  std::string SignedIn(Role role) {
    http::Response r = handler_(Post("/login", {{"token", idp_.Token(role)}}));
    EXPECT_EQ(r.status, 303);
    const std::string cookie = HeaderOf(r, "Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }

  testing::DevSignIn idp_;
  ConsoleApp app_{&idp_.clock_};
  SessionTable sessions_{&idp_.clock_, 10, absl::Hours(8)};
  DashboardSignIn sign_in_{idp_.verifier(), &sessions_};
  http::Handler handler_ = DashboardHandler(&app_, &sign_in_);
};

TEST_F(DashboardHttpTest, WithoutASessionThePageIsTheSignInForm) {
  http::Response page = handler_(Get("/"));
  EXPECT_EQ(page.status, 401);
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/login\""),
            std::string::npos);
  EXPECT_EQ(page.body.find("operations dashboard</h1>"), std::string::npos);
  http::Response api = handler_(Get("/api/dashboard"));
  EXPECT_EQ(api.status, 401);
  EXPECT_EQ(api.body, R"({"error":"not signed in: sign in at /login"})");
  EXPECT_EQ(
      handler_(Get("/api/dashboard", "lov_session=" + std::string(64, 'a')))
          .status,
      401);
  EXPECT_EQ(handler_(Get("/healthz")).status, 200);
}

TEST_F(DashboardHttpTest, SignInSetsAStrictHttpOnlyCookieAndOpensThePage) {
  http::Response r = handler_(
      Post("/login", {{"token", idp_.Token(auth::v1::ROLE_OPERATOR)}}));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(HeaderOf(r, "Location"), "/");
  const std::string cookie = HeaderOf(r, "Set-Cookie");
  EXPECT_TRUE(std::regex_match(
      cookie, std::regex("lov_session=[0-9a-f]{64}; Path=/; HttpOnly; "
                         "SameSite=Strict")))
      << cookie;
  const std::string session = cookie.substr(0, cookie.find(';'));
  http::Response page = handler_(Get("/", "theme=dark; " + session));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("LOV operations dashboard</h1>"), std::string::npos);
  http::Response api = handler_(Get("/api/dashboard", session));
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(api.content_type, "application/json; charset=utf-8");
}

// The JSON carries the neutrality panel, made and escaped by the console,
// for the dashboard's roles (both may read choice's report).
TEST_F(DashboardHttpTest, TheJsonHasTheNeutralityPanelForTheDashboardsRoles) {
  for (Role role : {auth::v1::ROLE_OPERATOR, auth::v1::ROLE_REGISTRY_OFFICER}) {
    http::Response api = handler_(Get("/api/dashboard", SignedIn(role)));
    ASSERT_EQ(api.status, 200);
    const nlohmann::json j = nlohmann::json::parse(api.body);
    EXPECT_NE(j["neutrality"]["html"].get<std::string>().find(
                  "id=\"neutrality-period\""),
              std::string::npos)
        << api.body;
    EXPECT_FALSE(j.contains("neutrality_hidden"));
  }
}

TEST_F(DashboardHttpTest, OverTlsTheCookieIsSecure) {
  http::Request login =
      Post("/login", {{"token", idp_.Token(auth::v1::ROLE_OPERATOR)}});
  login.tls = true;
  login.headers["origin"] = "https://127.0.0.1:8080";
  http::Response r = handler_(login);
  EXPECT_EQ(r.status, 303);
  EXPECT_NE(HeaderOf(r, "Set-Cookie").find("; SameSite=Strict; Secure"),
            std::string::npos);
}

TEST_F(DashboardHttpTest, AWrongRoleGets403NamingTheRule) {
  http::Response r = handler_(
      Post("/login", {{"token", idp_.Token(auth::v1::ROLE_CASE_OFFICER)}}));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(HeaderOf(r, "Set-Cookie"), "");
  EXPECT_NE(r.body.find("the dashboard is for the roles operator, "
                        "registry_officer; this sign-in is in the role "
                        "case_officer"),
            std::string::npos);
}

TEST_F(DashboardHttpTest, ABadTokenGetsTheSignInPageWithTheReason) {
  http::Response r = handler_(Post("/login", {{"token", "abc.def.ghi"}}));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("<p class=\"reason\" id=\"reason\">"),
            std::string::npos);
  EXPECT_EQ(handler_(Post("/login", {})).status, 401);
}

TEST_F(DashboardHttpTest, ATokenInTheQueryStringCountsForNothing) {
  http::Request r = Post("/login", {});
  r.query = "token=" + idp_.Token(auth::v1::ROLE_OPERATOR);
  EXPECT_EQ(handler_(r).status, 401);
}

TEST_F(DashboardHttpTest, APostFromAnotherSiteIsRefused) {
  for (const char* origin : {"http://evil.example", "https://127.0.0.1:8080",
                             "http://127.0.0.10:8080", "null"}) {
    http::Request r =
        Post("/login", {{"token", idp_.Token(auth::v1::ROLE_OPERATOR)}});
    r.headers["origin"] = origin;
    EXPECT_EQ(handler_(r).status, 403) << origin;
  }
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(DashboardHttpTest, APostFromAnotherPortOfTheSameHostIsTheSameSite) {
  http::Request r =
      Post("/login", {{"token", idp_.Token(auth::v1::ROLE_OPERATOR)}});
  r.headers["origin"] = "http://127.0.0.1:9999";
  EXPECT_EQ(handler_(r).status, 303);
}

TEST_F(DashboardHttpTest, SignOutEndsTheSession) {
  const std::string session = SignedIn(auth::v1::ROLE_REGISTRY_OFFICER);
  EXPECT_EQ(handler_(Get("/", session)).status, 200);
  http::Request out = Post("/logout", {});
  out.headers["cookie"] = session;
  http::Response r = handler_(out);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(HeaderOf(r, "Location"), "/login");
  EXPECT_NE(HeaderOf(r, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(handler_(Get("/", session)).status, 401);
}

// The dashboard is never open without sign-in: without an identity
// provider nobody gets in, and a posted token opens no session.
TEST_F(DashboardHttpTest, ClosedWithoutAnIdentityProvider) {
  DashboardSignIn closed(nullptr, &sessions_);
  http::Handler handler = DashboardHandler(&app_, &closed);
  EXPECT_EQ(handler(Get("/")).status, 401);
  EXPECT_EQ(handler(Get("/api/dashboard")).status, 401);
  http::Response r =
      handler(Post("/login", {{"token", idp_.Token(auth::v1::ROLE_OPERATOR)}}));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("no identity provider configured"), std::string::npos)
      << r.body;
  EXPECT_EQ(HeaderOf(r, "Set-Cookie"), "");
  EXPECT_EQ(sessions_.size(), 0u);
}

}  // namespace
}  // namespace lov::console
