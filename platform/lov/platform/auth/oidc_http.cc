#include "lov/platform/auth/oidc_http.h"

#include <httplib.h>

#include <chrono>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace lov::auth {

bool IsLoopbackHttp(const std::string& url) {
  for (const char* prefix : {"http://127.0.0.1:", "http://127.0.0.1/",
                             "http://localhost:", "http://localhost/",
                             "http://[::1]:", "http://[::1]/"}) {
    if (absl::StartsWith(url, prefix)) return true;
  }
  return false;
}

namespace {

struct Target {
  std::string origin;  // scheme://host[:port]
  std::string path;    // from the first '/' after the host, at least "/"
};

absl::StatusOr<Target> Split(const std::string& url) {
  if (!absl::StartsWith(url, "https://") && !IsLoopbackHttp(url)) {
    return absl::InvalidArgumentError(absl::StrCat(
        url, ": not https:// (plain http:// only to a loopback address)"));
  }
  const size_t host = url.find("://") + 3;
  const size_t slash = url.find('/', host);
  if (slash == std::string::npos) return Target{url, "/"};
  return Target{url.substr(0, slash), url.substr(slash)};
}

std::unique_ptr<httplib::Client> ClientFor(const Target& target,
                                           const OidcHttpOptions& options) {
  auto client = std::make_unique<httplib::Client>(target.origin);
  const std::chrono::milliseconds timeout(
      absl::ToInt64Milliseconds(options.timeout));
  client->set_connection_timeout(timeout);
  client->set_read_timeout(timeout);
  client->set_write_timeout(timeout);
  client->set_follow_location(false);
  if (!options.ca_file.empty()) client->set_ca_cert_path(options.ca_file);
  client->enable_server_certificate_verification(true);
  return client;
}

absl::StatusOr<HttpAnswer> Answer(const httplib::Result& result,
                                  const std::string& origin,
                                  const std::string& path) {
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat(origin, path, ": no answer (",
                     httplib::to_string(result.error()), ")"));
  }
  return HttpAnswer{result->status, result->body};
}

}  // namespace

absl::StatusOr<HttpAnswer> HttpGet(const std::string& url,
                                   const OidcHttpOptions& options) {
  absl::StatusOr<Target> target = Split(url);
  if (!target.ok()) return target.status();
  auto client = ClientFor(*target, options);
  return Answer(client->Get(target->path, {{"Accept", "application/json"}}),
                target->origin, target->path);
}

absl::StatusOr<HttpAnswer> HttpPostForm(const std::string& url,
                                        const FormFields& form,
                                        const OidcHttpOptions& options) {
  absl::StatusOr<Target> target = Split(url);
  if (!target.ok()) return target.status();
  httplib::Params params;
  for (const auto& [name, value] : form) params.emplace(name, value);
  auto client = ClientFor(*target, options);
  return Answer(
      client->Post(target->path, {{"Accept", "application/json"}}, params),
      target->origin, target->path);
}

}  // namespace lov::auth
