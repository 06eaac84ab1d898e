// Where the identity provider's key set (JWKS) comes from: a file (a
// Kubernetes ConfigMap, the development issuer's key set) or the provider's
// jwks_uri over HTTPS. Read again on every fetch, so a rotated key set is
// seen without a restart.

#ifndef LOV_PLATFORM_AUTH_KEY_SET_SOURCE_H_
#define LOV_PLATFORM_AUTH_KEY_SET_SOURCE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lov::auth {

// Fetches the key set's JSON text; an error names the source.
using KeySetFetcher = std::function<absl::StatusOr<std::string>()>;

// Larger than any real key set; a misconfigured URL cannot flood memory.
inline constexpr size_t kMaxKeySetBytes = 512 * 1024;

// Reads the whole file at `path` on every call.
KeySetFetcher KeySetFromFile(std::string path);

// GETs `url` on every call (libcurl): https://, or http:// to a loopback
// address only (a key set must not travel in the clear). The server's
// certificate is verified against the system's CAs, or `ca_file` when set;
// `timeout` bounds the whole request. InvalidArgument for a URL that is
// neither; a failed request, a status other than 200 or a body over
// kMaxKeySetBytes is UNAVAILABLE.
absl::StatusOr<KeySetFetcher> KeySetFromUrl(std::string url,
                                            std::string ca_file,
                                            absl::Duration timeout);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_KEY_SET_SOURCE_H_
