#ifndef LOV_TESTS_SUPPORT_TEST_IDP_H_
#define LOV_TESTS_SUPPORT_TEST_IDP_H_

// A small OpenID Connect identity provider for sign-in tests, on a loopback
// port: discovery, the JWKS (a real EC P-256 key of a DevIssuer), the device
// authorization endpoint and the token endpoint of RFC 8628, and the
// authorization code flow with PKCE (S256). What the token endpoint answers
// to each device poll is the test's script; once the script is used up its
// last answer repeats. /authorize approves at once, as the configured
// person, redirecting to the redirect_uri with a code (302). Tokens are
// signed with the project's token-signing helper (DevIssuer::SignClaims),
// with this IdP's URL as the issuer. Options add refresh tokens (RFC 6749
// 6, rotated at each use) and an end_session_endpoint in discovery.

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lov/platform/actor.h"
#include "lov/platform/auth/authorization_code.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"

namespace lov::testing {

class TestIdp {
 public:
  enum class Poll { kPending, kSlowDown, kApprove, kDeny, kExpired };

  struct Options {
    std::vector<Poll> script = {Poll::kApprove};
    int interval_seconds = 1;
    int expires_in_seconds = 60;
    // Claims of the access token an approval hands out.
    std::string audience = "lov";
    auth::v1::Role role = auth::v1::ROLE_CASE_OFFICER;
    std::string subject = "SE2321000016-7a1b";
    std::string provider_id;
    // Signs the access token with a key the JWKS does not publish.
    bool sign_with_unpublished_key = false;
    // The access token is opaque; the claims come in the ID token.
    bool opaque_access_token = false;
    // The authorization code flow: the client allowed, and what the ID
    // token says.
    std::string code_client_id = "lov-console";
    std::string id_token_audience = "lov-console";
    bool id_token_with_wrong_nonce = false;
    int id_token_lifetime_seconds = 3600;  // negative: already expired
    // The device grant's approval also hands out a refresh token, which the
    // token endpoint takes (grant_type=refresh_token) once: each renewal
    // answers a new access token and a new refresh token.
    bool refresh_tokens = false;
    bool refuse_refresh = false;  // every renewal: invalid_grant
    int access_token_lifetime_seconds = 3600;
    // Discovery names end_session_endpoint (<issuer>/logout).
    bool end_session = true;
  };

  explicit TestIdp(Options options)
      : options_(std::move(options)),
        key_(*auth::DevIssuer::Generate(&clock_)),
        other_key_(*auth::DevIssuer::Generate(&clock_)) {
    Route();
    port_ = server_.bind_to_any_port("127.0.0.1");
    EXPECT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) absl::SleepFor(absl::Milliseconds(1));
  }
  ~TestIdp() {
    server_.stop();
    thread_.join();
  }

  std::string issuer() const {
    return absl::StrCat("http://127.0.0.1:", port_);
  }
  std::string jwks() const { return key_.PublicJwks(); }
  static constexpr char kUserCode[] = "WDJB-MJHT";

  // When each token request came, and how many carried a wrong grant type,
  // device code or client id (a correct client makes none).
  std::vector<absl::Time> poll_times() const {
    absl::MutexLock lock(&mu_);
    return poll_times_;
  }
  int bad_requests() const {
    absl::MutexLock lock(&mu_);
    return bad_requests_;
  }
  // How many refresh-token requests came, and the refresh token that is
  // valid now (empty when none was handed out).
  int refreshes() const {
    absl::MutexLock lock(&mu_);
    return refreshes_;
  }
  std::string refresh_token() const {
    absl::MutexLock lock(&mu_);
    return refresh_token_;
  }

 private:
  static void Json(httplib::Response& res, int status,
                   const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  void Route() {
    server_.Get("/.well-known/openid-configuration",
                [this](const httplib::Request&, httplib::Response& res) {
                  nlohmann::json doc = {
                      {"issuer", issuer()},
                      {"jwks_uri", issuer() + "/jwks"},
                      {"token_endpoint", issuer() + "/token"},
                      {"device_authorization_endpoint", issuer() + "/device"},
                      {"authorization_endpoint", issuer() + "/authorize"}};
                  if (options_.end_session) {
                    doc["end_session_endpoint"] = issuer() + "/logout";
                  }
                  Json(res, 200, doc);
                });
    server_.Get("/jwks",
                [this](const httplib::Request&, httplib::Response& res) {
                  res.set_content(key_.PublicJwks(), "application/json");
                });
    server_.Post("/device",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   if (req.get_param_value("client_id") != "lovctl") {
                     return Json(res, 401, {{"error", "invalid_client"}});
                   }
                   Json(res, 200,
                        {{"device_code", device_code_},
                         {"user_code", kUserCode},
                         {"verification_uri", issuer() + "/activate"},
                         {"verification_uri_complete",
                          issuer() + "/activate?user_code=" + kUserCode},
                         {"expires_in", options_.expires_in_seconds},
                         {"interval", options_.interval_seconds}});
                 });
    server_.Get("/authorize", [this](const httplib::Request& req,
                                     httplib::Response& res) {
      if (req.get_param_value("response_type") != "code" ||
          req.get_param_value("client_id") != options_.code_client_id ||
          req.get_param_value("code_challenge_method") != "S256" ||
          req.get_param_value("code_challenge").empty() ||
          req.get_param_value("state").empty()) {
        absl::MutexLock lock(&mu_);
        ++bad_requests_;
        return Json(res, 400, {{"error", "invalid_request"}});
      }
      const std::string code = NewUuid();
      {
        absl::MutexLock lock(&mu_);
        codes_[code] = {req.get_param_value("code_challenge"),
                        req.get_param_value("nonce"),
                        req.get_param_value("redirect_uri")};
      }
      res.status = 302;
      res.set_header("Location",
                     absl::StrCat(req.get_param_value("redirect_uri"),
                                  "?code=", code, "&state=",
                                  httplib::detail::encode_query_param(
                                      req.get_param_value("state"))));
    });
    server_.Post(
        "/token", [this](const httplib::Request& req, httplib::Response& res) {
          if (req.get_param_value("grant_type") == "authorization_code") {
            return ExchangeCode(req, res);
          }
          if (req.get_param_value("grant_type") == "refresh_token") {
            return Refresh(req, res);
          }
          Poll answer;
          {
            absl::MutexLock lock(&mu_);
            poll_times_.push_back(absl::Now());
            if (req.get_param_value("grant_type") !=
                    "urn:ietf:params:oauth:grant-type:device_code" ||
                req.get_param_value("device_code") != device_code_ ||
                req.get_param_value("client_id") != "lovctl") {
              ++bad_requests_;
              return Json(res, 400, {{"error", "invalid_grant"}});
            }
            answer = options_.script[std::min(poll_times_.size() - 1,
                                              options_.script.size() - 1)];
          }
          switch (answer) {
            case Poll::kPending:
              return Json(res, 400, {{"error", "authorization_pending"}});
            case Poll::kSlowDown:
              return Json(res, 400, {{"error", "slow_down"}});
            case Poll::kDeny:
              return Json(res, 400, {{"error", "access_denied"}});
            case Poll::kExpired:
              return Json(res, 400, {{"error", "expired_token"}});
            case Poll::kApprove:
              if (options_.opaque_access_token) {
                return Json(res, 200,
                            {{"access_token", "opaque-" + NewUuid()},
                             {"id_token", AccessToken()},
                             {"token_type", "Bearer"}});
              }
              nlohmann::json tokens = {
                  {"access_token", AccessToken()},
                  {"token_type", "Bearer"},
                  {"expires_in", options_.access_token_lifetime_seconds}};
              if (options_.refresh_tokens) {
                absl::MutexLock lock(&mu_);
                refresh_token_ = NewUuid();
                tokens["refresh_token"] = refresh_token_;
              }
              return Json(res, 200, tokens);
          }
        });
  }

  // RFC 6749 6: the current refresh token of lovctl, once (rotated).
  void Refresh(const httplib::Request& req, httplib::Response& res) {
    nlohmann::json tokens;
    {
      absl::MutexLock lock(&mu_);
      ++refreshes_;
      if (options_.refuse_refresh || refresh_token_.empty() ||
          req.get_param_value("refresh_token") != refresh_token_ ||
          req.get_param_value("client_id") != "lovctl") {
        return Json(res, 400, {{"error", "invalid_grant"}});
      }
      refresh_token_ = NewUuid();
      tokens = {{"access_token", AccessToken()},
                {"token_type", "Bearer"},
                {"expires_in", options_.access_token_lifetime_seconds},
                {"refresh_token", refresh_token_}};
    }
    Json(res, 200, tokens);
  }

  struct Code {
    std::string challenge;
    std::string nonce;
    std::string redirect_uri;
  };

  // A code once, with the verifier of its challenge and the same
  // redirect_uri (RFC 7636 4.6, RFC 6749 4.1.3).
  void ExchangeCode(const httplib::Request& req, httplib::Response& res) {
    Code code;
    {
      absl::MutexLock lock(&mu_);
      auto it = codes_.find(req.get_param_value("code"));
      if (it == codes_.end() ||
          req.get_param_value("client_id") != options_.code_client_id ||
          req.get_param_value("redirect_uri") != it->second.redirect_uri ||
          auth::PkceChallenge(req.get_param_value("code_verifier")) !=
              it->second.challenge) {
        ++bad_requests_;
        return Json(res, 400, {{"error", "invalid_grant"}});
      }
      code = it->second;
      codes_.erase(it);
    }
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    nlohmann::json claims = {
        {"iss", issuer()},
        {"aud", options_.id_token_audience},
        {"sub", options_.subject},
        {"hsa_id", options_.subject},
        {"lov_role", RoleName(options_.role)},
        {"lov_org", "0180"},
        {"nonce", options_.id_token_with_wrong_nonce ? "another" : code.nonce},
        {"iat", now + options_.id_token_lifetime_seconds - 3600},
        {"exp", now + options_.id_token_lifetime_seconds}};
    Json(res, 200,
         {{"id_token", *key_.SignClaims(claims.dump())},
          {"access_token", AccessToken()},
          {"token_type", "Bearer"},
          {"expires_in", 3600}});
  }

  std::string AccessToken() const {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    nlohmann::json claims = {
        {"iss", issuer()},
        {"aud", options_.audience},
        {"sub", options_.subject},
        {"hsa_id", options_.subject},
        {"lov_role", RoleName(options_.role)},
        {"lov_org", "0180"},
        {"iat", now},
        {"exp", now + options_.access_token_lifetime_seconds}};
    if (!options_.provider_id.empty()) {
      claims["lov_provider_id"] = options_.provider_id;
    }
    const auth::DevIssuer& signer =
        options_.sign_with_unpublished_key ? other_key_ : key_;
    return *signer.SignClaims(claims.dump());
  }

  const Options options_;
  SystemClock clock_;
  const auth::DevIssuer key_;
  const auth::DevIssuer other_key_;
  const std::string device_code_ = NewUuid();
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<absl::Time> poll_times_ ABSL_GUARDED_BY(mu_);
  int bad_requests_ ABSL_GUARDED_BY(mu_) = 0;
  int refreshes_ ABSL_GUARDED_BY(mu_) = 0;
  std::string refresh_token_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Code> codes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_TEST_IDP_H_
