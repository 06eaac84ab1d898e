// The dashboard's sign-in at the identity provider (authorization code flow
// with PKCE) against the test IdP (tests/support/test_idp.h): the browser's
// part (redirects, cookies) is played by the test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>

#include "absl/strings/match.h"
#include "lov/console/api/dashboard_http.h"
#include "lov/platform/auth/token_verifier.h"
#include "test_idp.h"

namespace lov::console {
namespace {

using ::lov::testing::TestIdp;

std::string HeaderOf(const http::Response& r, const std::string& name,
                     int nth = 0) {
  for (const auto& [n, v] : r.headers) {
    if (n == name && nth-- == 0) return v;
  }
  return "";
}

// "name=value" of a Set-Cookie.
std::string CookiePair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

constexpr char kRedirect[] = "https://console.example.se/login/callback";
constexpr char kAfterLogout[] = "https://console.example.se/login";

class DashboardOidcTest : public ::testing::Test {
 protected:
  explicit DashboardOidcTest(TestIdp::Options idp_options = {})
      : idp_(std::move(idp_options)) {}

  static http::Request Get(const std::string& path_and_query,
                           const std::string& cookie = "") {
    http::Request r;
    r.method = "GET";
    const size_t q = path_and_query.find('?');
    r.path = path_and_query.substr(0, q);
    r.query = q == std::string::npos ? "" : path_and_query.substr(q + 1);
    if (!cookie.empty()) r.headers["cookie"] = cookie;
    r.tls = true;
    return r;
  }

  // The dashboard's sign-out form, posted with the session cookie.
  http::Response PostLogout(const std::string& session_cookie) {
    http::Request r;
    r.method = "POST";
    r.path = "/logout";
    r.headers["cookie"] = session_cookie;
    r.tls = true;
    return handler_(r);
  }

  // Signs in as the IdP's person; the session cookie "lov_session=...".
  std::string SignedIn() {
    Started s = StartAndApprove();
    http::Response back = handler_(Get(s.callback, s.state_cookie));
    EXPECT_EQ(back.status, 200) << back.body;
    return CookiePair(HeaderOf(back, "Set-Cookie", 0));
  }

  struct Started {
    std::string state_cookie;  // "lov_oidc_state=..."
    std::string callback;      // "/login/callback?code=...&state=..."
  };
  // /login/oidc, then the browser at the IdP, which sends it back.
  Started StartAndApprove() {
    http::Response go = handler_(Get("/login/oidc"));
    EXPECT_EQ(go.status, 303);
    const std::string location = HeaderOf(go, "Location");
    EXPECT_TRUE(absl::StartsWith(location, idp_.issuer() + "/authorize?"))
        << location;
    httplib::Client browser(idp_.issuer());
    httplib::Result at_idp = browser.Get(location.substr(idp_.issuer().size()));
    EXPECT_TRUE(at_idp && at_idp->status == 302);
    const std::string back = at_idp ? at_idp->get_header_value("Location") : "";
    EXPECT_TRUE(absl::StartsWith(back, kRedirect)) << back;
    return {CookiePair(HeaderOf(go, "Set-Cookie")),
            "/login/callback" + back.substr(std::string(kRedirect).size())};
  }

  SystemClock clock_;
  TestIdp idp_;
  ConsoleApp app_{&clock_};
  SessionTable sessions_{&clock_, 10, absl::Hours(8)};
  DashboardSignIn sign_in_{nullptr, &sessions_};
  OidcDashboardSignIn oidc_{
      {idp_.issuer(), "lov-console", kRedirect, "openid", "", kAfterLogout},
      &sign_in_,
      &clock_};
  http::Handler handler_ = DashboardHandler(&app_, &sign_in_, &oidc_);
};

TEST_F(DashboardOidcTest, TheSignInPageOffersTheIdpAndKeepsTheTokenForm) {
  http::Response page = handler_(Get("/login"));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/login/oidc\""), std::string::npos);
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/login\""),
            std::string::npos);
}

TEST_F(DashboardOidcTest,
       TheRedirectCarriesAChallengeAndTheRoleRuleStillHolds) {
  http::Response go = handler_(Get("/login/oidc"));
  ASSERT_EQ(go.status, 303);
  const std::string location = HeaderOf(go, "Location");
  EXPECT_NE(location.find("code_challenge_method=S256"), std::string::npos);
  EXPECT_NE(location.find("&nonce="), std::string::npos);
  EXPECT_EQ(location.find("code_verifier"), std::string::npos);
  EXPECT_TRUE(std::regex_match(
      HeaderOf(go, "Set-Cookie"),
      std::regex("lov_oidc_state=[A-Za-z0-9_-]{43}; Path=/login; HttpOnly; "
                 "SameSite=Lax; Max-Age=600; Secure")))
      << HeaderOf(go, "Set-Cookie");

  // The test IdP signs in a case officer unless told otherwise.
  Started s = StartAndApprove();
  http::Response back = handler_(Get(s.callback, s.state_cookie));

  // case_officer may not open the dashboard: the rule, 403, no session.
  EXPECT_EQ(back.status, 403) << back.body;
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_EQ(idp_.bad_requests(), 0);
}

class DashboardOidcOperatorTest : public DashboardOidcTest {
 protected:
  DashboardOidcOperatorTest()
      : DashboardOidcTest({.role = auth::v1::ROLE_OPERATOR,
                           .subject = "SE2321000016-0p01"}) {}
};

TEST_F(DashboardOidcOperatorTest, AnOperatorIsSignedInOnceAndOnlyOnce) {
  Started s = StartAndApprove();

  http::Response back = handler_(Get(s.callback, s.state_cookie));

  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_NE(back.body.find("url=/"), std::string::npos);
  const std::string session = HeaderOf(back, "Set-Cookie", 0);
  EXPECT_TRUE(std::regex_match(
      session, std::regex("lov_session=[0-9a-f]{64}; Path=/; HttpOnly; "
                          "SameSite=Strict; Secure")))
      << session;
  EXPECT_NE(HeaderOf(back, "Set-Cookie", 1).find("lov_oidc_state=; "),
            std::string::npos);
  EXPECT_EQ(handler_(Get("/api/dashboard", CookiePair(session))).status, 200);
  EXPECT_EQ(idp_.bad_requests(), 0);  // the verifier matched the challenge

  // The same callback again (a replayed link) opens nothing.
  http::Response again = handler_(Get(s.callback, s.state_cookie));
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(again.body.find("unknown, used or older"), std::string::npos);
  EXPECT_EQ(sessions_.size(), 1u);
}

TEST_F(DashboardOidcOperatorTest, ACallbackWithoutThisBrowsersStateIsRefused) {
  Started s = StartAndApprove();

  http::Response no_cookie = handler_(Get(s.callback));
  http::Response other_cookie =
      handler_(Get(s.callback, "lov_oidc_state=someone-elses"));

  for (const http::Response& r : {no_cookie, other_cookie}) {
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("not started in this browser"), std::string::npos);
  }
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(DashboardOidcOperatorTest, AnErrorFromTheIdpIsShown) {
  http::Response go = handler_(Get("/login/oidc"));
  const std::string cookie = CookiePair(HeaderOf(go, "Set-Cookie"));

  http::Response r = handler_(
      Get("/login/callback?error=access_denied&state=" + cookie.substr(15),
          cookie));

  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("did not sign you in (access_denied)"),
            std::string::npos);
  EXPECT_EQ(sessions_.size(), 0u);
}

class DashboardOidcWrongNonceTest : public DashboardOidcTest {
 protected:
  DashboardOidcWrongNonceTest()
      : DashboardOidcTest({.role = auth::v1::ROLE_OPERATOR,
                           .id_token_with_wrong_nonce = true}) {}
};

TEST_F(DashboardOidcWrongNonceTest, AnIdTokenWithAnotherNonceIsRefused) {
  Started s = StartAndApprove();

  http::Response r = handler_(Get(s.callback, s.state_cookie));

  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("nonce"), std::string::npos) << r.body;
  EXPECT_EQ(sessions_.size(), 0u);
}

class DashboardOidcWrongAudienceTest : public DashboardOidcTest {
 protected:
  DashboardOidcWrongAudienceTest()
      : DashboardOidcTest({.role = auth::v1::ROLE_OPERATOR,
                           .id_token_audience = "another-client"}) {}
};

TEST_F(DashboardOidcWrongAudienceTest, AnIdTokenForAnotherClientIsRefused) {
  Started s = StartAndApprove();

  http::Response r = handler_(Get(s.callback, s.state_cookie));

  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("aud"), std::string::npos) << r.body;
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(DashboardOidcOperatorTest, SignOutEndsTheSessionAndTheSignInAtTheIdp) {
  const std::string session = SignedIn();
  ASSERT_EQ(handler_(Get("/api/dashboard", session)).status, 200);

  http::Response out = PostLogout(session);

  ASSERT_EQ(out.status, 303);
  EXPECT_EQ(HeaderOf(out, "Set-Cookie"),
            "lov_session=; Path=/; HttpOnly; SameSite=Strict; Secure; "
            "Max-Age=0");
  EXPECT_EQ(handler_(Get("/api/dashboard", session)).status, 401);
  EXPECT_EQ(sessions_.size(), 0u);
  // To the IdP's end_session_endpoint, naming the ID token of this sign-in,
  // the console and where to come back.
  const std::string location = HeaderOf(out, "Location");
  ASSERT_TRUE(absl::StartsWith(location, idp_.issuer() + "/logout?"))
      << location;
  httplib::Params query;
  httplib::detail::parse_query_text(location.substr(location.find('?') + 1),
                                    query);
  ASSERT_EQ(query.count("id_token_hint"), 1u) << location;
  EXPECT_EQ(query.find("client_id")->second, "lov-console");
  EXPECT_EQ(query.find("post_logout_redirect_uri")->second, kAfterLogout);
  auth::VerifierOptions options;
  options.issuer = idp_.issuer();
  options.audience = "lov-console";
  auto verifier = auth::TokenVerifier::Create(idp_.jwks(), options, &clock_);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<auth::Principal> who =
      (*verifier)->Verify(query.find("id_token_hint")->second);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "SE2321000016-0p01");

  // Signing out again (a second tab) has no session, so no IdP hop.
  http::Response again = PostLogout(session);
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(HeaderOf(again, "Location"), "/login");
}

class DashboardOidcNoEndSessionTest : public DashboardOidcTest {
 protected:
  DashboardOidcNoEndSessionTest()
      : DashboardOidcTest(
            {.role = auth::v1::ROLE_OPERATOR, .end_session = false}) {}
};

TEST_F(DashboardOidcNoEndSessionTest,
       WithoutAnEndSessionEndpointSignOutEndsTheSessionHere) {
  const std::string session = SignedIn();

  http::Response out = PostLogout(session);

  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(HeaderOf(out, "Location"), "/login");
  EXPECT_EQ(handler_(Get("/api/dashboard", session)).status, 401);
  EXPECT_EQ(sessions_.size(), 0u);
}

class DashboardOidcExpiredTest : public DashboardOidcTest {
 protected:
  DashboardOidcExpiredTest()
      : DashboardOidcTest({.role = auth::v1::ROLE_OPERATOR,
                           .id_token_lifetime_seconds = -600}) {}
};

TEST_F(DashboardOidcExpiredTest, AnExpiredIdTokenIsRefused) {
  Started s = StartAndApprove();

  http::Response r = handler_(Get(s.callback, s.state_cookie));

  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
  EXPECT_EQ(sessions_.size(), 0u);
}

}  // namespace
}  // namespace lov::console
