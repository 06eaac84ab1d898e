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
// never on a command line others can read). A key shorter than
// kMinSecretKeyLength is a configuration error; so are, outside the
// development setting --insecure-no-auth, no key and the development key
// itself. Errors name the flag and the variable, never the key, and the
// service refuses to start. Under --insecure-no-auth without a key the
// service runs on `development_key`, with a warning.
std::string ReadSecretKey(Config& config, const std::string& flag,
                          const std::string& development_key);

}  // namespace lov

#endif  // LOV_PLATFORM_SECRET_KEY_H_
