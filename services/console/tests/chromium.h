#ifndef LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_
#define LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/http_server.h"
#include "lov/platform/ids.h"

namespace lov::console::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs headless Chromium (Debian's, LOV_CHROMIUM) with `mode` (e.g.
// "--dump-dom" or "--screenshot=FILE") on `url`, with its stdout in `out`;
// returns the exit code. The flags keep it off the network. The console
// serves the test CA's certificate, which this profile does not trust: the
// certificate is checked by the tests' own HTTPS client (Fetch with the CA).
inline int RunChromium(const std::string& url, const std::string& mode,
                       const std::string& out, int height = 1800) {
  const std::string profile = std::filesystem::temp_directory_path() /
                              absl::StrCat("lov-chromium-", NewUuid());
  const std::string cmd = absl::StrCat(
      "timeout 120 ", LOV_CHROMIUM,
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update"
      " --disable-sync --disable-dev-shm-usage --hide-scrollbars"
      " --ignore-certificate-errors --user-data-dir=",
      profile, " --window-size=1400,", height, " --virtual-time-budget=5000 ",
      mode, " ", url, " > ", out, " 2> ", out, ".log");
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(profile);
  return rc;
}

// Signs Chromium in to the dashboard at https://127.0.0.1:<port> the way a
// person does, by posting the sign-in form: url() is a page on another port
// of the same host (the same site, so the SameSite=Strict cookie is kept)
// that posts `token` to /login as soon as it loads; the console answers
// with the session cookie and a redirect to the dashboard. Served over HTTPS
// with the service certificate `cert` and its `key`.
class SignInRelay {
 public:
  SignInRelay(int dashboard_port, const std::string& token,
              const std::string& cert, const std::string& key)
      : server_([page = Page(dashboard_port, token)](const http::Request&) {
          return http::Response{200, "text/html; charset=utf-8", page, {}};
        }) {
    started_ = server_.Start({.listen_address = "127.0.0.1",
                              .tls_cert_file = cert,
                              .tls_key_file = key});
  }
  const absl::Status& started() const { return started_; }

  std::string url() const {
    return absl::StrCat("https://127.0.0.1:", server_.port(), "/");
  }

 private:
  // A JWT is base64url and dots: nothing to escape in the attribute.
  static std::string Page(int port, const std::string& token) {
    return absl::StrCat(
        "<!doctype html><html><body><form method=\"post\" "
        "action=\"https://127.0.0.1:",
        port, "/login\"><input type=\"hidden\" name=\"token\" value=\"", token,
        "\"></form><script>document.forms[0].submit()</script></body></html>");
  }

  http::Server server_;
  absl::Status started_;
};

}  // namespace lov::console::testing

#endif  // LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_
