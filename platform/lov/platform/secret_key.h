#ifndef LOV_PLATFORM_SECRET_KEY_H_
#define LOV_PLATFORM_SECRET_KEY_H_

// Secret keys for keyed pseudonyms of personal data (a personnummer, a sole
// trader's organisation number): an HMAC under a key the service alone
// holds, so the few billion possible numbers cannot be tried against the
// pseudonyms that events and ids carry.

#include <string>
#include <string_view>

#include "lov/platform/config.h"

namespace lov {

// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Shortest key accepted outside development (`openssl rand -hex 32` gives
// 64 characters).
inline constexpr size_t kMinSecretKeyLength = 32;

// The key set as --<flag> or LOV_<FLAG> (in production from a Secret,
// never on a command line others can read; `make run` and
// k8s/dev-secrets.sh make one for development). No key, a key shorter than
// kMinSecretKeyLength and `development_key` (a key that was built into the
// source for development, so known to everyone) are configuration errors:
// they name the flag and the variable, never the key, and the service
// refuses to start.
std::string ReadSecretKey(Config& config, const std::string& flag,
                          const std::string& development_key);

}  // namespace lov

#endif  // LOV_PLATFORM_SECRET_KEY_H_
