// What the call guard and the dashboard need from sign-in: the principal of
// a bearer token, or UNAUTHENTICATED. Implemented by TokenVerifier (one key
// set) and RefreshingVerifier (the identity provider's key set, re-read as
// it rotates its keys).

#ifndef LOV_PLATFORM_AUTH_BEARER_VERIFIER_H_
#define LOV_PLATFORM_AUTH_BEARER_VERIFIER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "lov/platform/auth/principal.h"

namespace lov::auth {

class BearerVerifier {
 public:
  virtual ~BearerVerifier() = default;
  // Thread-safe; every refusal is UNAUTHENTICATED with a reason that never
  // echoes the token.
  virtual absl::StatusOr<Principal> Verify(
      std::string_view bearer_token) const = 0;
};

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_BEARER_VERIFIER_H_
