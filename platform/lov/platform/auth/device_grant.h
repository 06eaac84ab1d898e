// The OAuth 2.0 Device Authorization Grant (RFC 8628), for a command line
// without a browser of its own: the identity provider hands out a user code,
// the person approves it in a browser elsewhere, and the client polls the
// token endpoint until the answer comes. Parsing is pure; the polling loop
// takes its HTTP call, its sleep and its clock as ports, so a test runs it
// without waiting.

#ifndef LOV_PLATFORM_AUTH_DEVICE_GRANT_H_
#define LOV_PLATFORM_AUTH_DEVICE_GRANT_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/auth/oidc_http.h"
#include "lov/platform/clock.h"

namespace lov::auth {

inline constexpr char kDeviceCodeGrantType[] =
    "urn:ietf:params:oauth:grant-type:device_code";

// The device authorization response (RFC 8628 3.2).
struct DeviceAuthorization {
  std::string device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // optional: the code in the link
  absl::Duration expires_in;
  absl::Duration interval;  // 5 s when the provider names none
};

// From the answer of the device_authorization_endpoint: FailedPrecondition
// naming the provider's error or the missing field.
absl::StatusOr<DeviceAuthorization> ParseDeviceAuthorization(
    const HttpAnswer& answer);

struct TokenSet {
  std::string access_token;
  std::string id_token;                              // empty if none was sent
  absl::Duration expires_in = absl::ZeroDuration();  // zero: not said
  std::string refresh_token;                         // empty if none was sent
};

enum class PollOutcome { kTokens, kPending, kSlowDown };

struct PollAnswer {
  PollOutcome outcome;
  TokenSet tokens;  // with kTokens
};

// One answer of the token endpoint while polling (RFC 8628 3.5):
// authorization_pending and slow_down go on; access_denied is
// PermissionDenied, expired_token DeadlineExceeded, each saying what the
// person can do; any other error FailedPrecondition with the provider's
// error code (never the device code).
absl::StatusOr<PollAnswer> ReadPollAnswer(const HttpAnswer& answer);

struct DeviceGrantPorts {
  // POSTs the form to the token endpoint.
  std::function<absl::StatusOr<HttpAnswer>(const FormFields&)> post_token;
  std::function<void(absl::Duration)> sleep;
  const Clock* clock;
};

// Polls until tokens come, the person denies, or the code expires (by the
// provider's word or by expires_in on our clock): waits `interval` before
// each request, 5 s more after every slow_down, and twice as long after a
// request that got no answer (RFC 8628 3.5).
absl::StatusOr<TokenSet> PollForTokens(const DeviceAuthorization& grant,
                                       const std::string& client_id,
                                       const DeviceGrantPorts& ports);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_DEVICE_GRANT_H_
