#ifndef LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_CLIENT_H_
#define LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/http_server.h"

namespace lov::console::testing {

// The dashboard over HTTPS as the tests' client sees it: the certificate
// checked against the test CA, signed in with a token like a browser (the
// session cookie kept from the sign-in's answer).
class DashboardClient {
 public:
  DashboardClient(int port, std::string ca_file)
      : host_port_(absl::StrCat("127.0.0.1:", port)),
        ca_file_(std::move(ca_file)) {}

  // POST /login with `token` in the form: 303 and the cookie, 401, 403.
  absl::StatusOr<http::ClientResponse> SignIn(const std::string& token) {
    absl::StatusOr<http::ClientResponse> r =
        http::Fetch({.host_port = host_port_,
                     .method = "POST",
                     .path = "/login",
                     .form = {{"token", token}},
                     .ca_file = ca_file_});
    if (r.ok() && r->status == 303) {
      const std::string& set = r->headers["set-cookie"];
      cookie_ = set.substr(0, set.find(';'));
    }
    return r;
  }

  // GET `path` with the session cookie, if signed in.
  absl::StatusOr<http::ClientResponse> Get(const std::string& path) const {
    http::ClientRequest request{
        .host_port = host_port_, .path = path, .ca_file = ca_file_};
    if (!cookie_.empty()) request.headers["Cookie"] = cookie_;
    return http::Fetch(request);
  }

  const std::string& cookie() const { return cookie_; }

 private:
  std::string host_port_;
  std::string ca_file_;
  std::string cookie_;  // "lov_session=<id>"
};

}  // namespace lov::console::testing

#endif  // LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_CLIENT_H_
