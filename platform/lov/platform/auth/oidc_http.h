// The few HTTP requests a sign-in flow makes to the identity provider
// (discovery, device authorization, token endpoint), over cpp-httplib. Only
// https://, or http:// to a loopback address (a test or local IdP): codes
// and tokens must not travel in the clear.

#ifndef LOV_PLATFORM_AUTH_OIDC_HTTP_H_
#define LOV_PLATFORM_AUTH_OIDC_HTTP_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lov::auth {

struct OidcHttpOptions {
  // The identity provider's CA (PEM); empty: the system's CAs.
  std::string ca_file;
  absl::Duration timeout = absl::Seconds(10);
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Whether `url` is plain http:// to this machine (127.0.0.1, localhost,
// [::1]): the only plain HTTP an identity provider's URL may use (a local
// test IdP); everything else must be https://.
bool IsLoopbackHttp(const std::string& url);

// InvalidArgument for a URL that is neither https:// nor loopback http://;
// UNAVAILABLE when no answer came (the error names the URL, never a form
// field). Any HTTP status is an answer: the caller reads it.
absl::StatusOr<HttpAnswer> HttpGet(const std::string& url,
                                   const OidcHttpOptions& options);
// POST application/x-www-form-urlencoded.
absl::StatusOr<HttpAnswer> HttpPostForm(const std::string& url,
                                        const FormFields& form,
                                        const OidcHttpOptions& options);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_OIDC_HTTP_H_
