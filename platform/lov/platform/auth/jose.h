// The few JOSE operations the sign-in code needs, over libcjose (keys,
// compact JWS signing, base64url), so no caller touches cjose's memory
// rules or hand-writes any crypto.

#ifndef LOV_PLATFORM_AUTH_JOSE_H_
#define LOV_PLATFORM_AUTH_JOSE_H_

#include <cjose/cjose.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace lov::auth::jose {

struct JwkRelease {
  void operator()(cjose_jwk_t* key) const { cjose_jwk_release(key); }
};
using JwkPtr = std::unique_ptr<cjose_jwk_t, JwkRelease>;

// One JWK from its JSON text; InvalidArgument if cjose cannot read it.
absl::StatusOr<JwkPtr> ImportJwk(std::string_view json);

// The key as JWK JSON, with its private parts only when `include_private`.
absl::StatusOr<std::string> ExportJwk(const cjose_jwk_t* key,
                                      bool include_private);

// A compact JWS of `payload` signed by `key` under `alg` ("ES256", "RS256",
// ...), header {"alg", "kid" (when not empty), "typ": "JWT"}.
absl::StatusOr<std::string> SignCompact(const cjose_jwk_t* key,
                                        std::string_view alg,
                                        std::string_view kid,
                                        std::string_view payload);

// Base64url without padding (RFC 7515 section 2).
std::string Base64UrlEncode(std::string_view bytes);
// The bytes, or nullopt when `text` is not base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace lov::auth::jose

#endif  // LOV_PLATFORM_AUTH_JOSE_H_
