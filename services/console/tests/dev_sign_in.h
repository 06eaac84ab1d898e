#ifndef LOV_SERVICES_CONSOLE_TESTS_DEV_SIGN_IN_H_
#define LOV_SERVICES_CONSOLE_TESTS_DEV_SIGN_IN_H_

// Real tokens for the dashboard's unit tests: a development issuer made in
// memory and the verifier that trusts it, on a clock the test sets.

#include <memory>
#include <string>

#include "fixed_clock.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/auth/token_verifier.h"

namespace lov::console::testing {

class DevSignIn {
 public:
  DevSignIn()
      : issuer_(*auth::DevIssuer::Generate(&clock_)),
        verifier_(*auth::TokenVerifier::Create(
            issuer_.PublicJwks(), auth::DevIssuer::TrustOptions(), &clock_)) {}

  // A token for a person in `role`, valid from now for `lifetime`.
  std::string Token(auth::v1::Role role,
                    absl::Duration lifetime = absl::Minutes(30)) const {
    return *issuer_.Issue(role, "SE2321000016-7001", "0188",
                          role == auth::v1::ROLE_PROVIDER ? "prv-1" : "",
                          lifetime);
  }
  std::shared_ptr<const auth::BearerVerifier> verifier() const {
    return verifier_;
  }

  lov::testing::FixedClock clock_{lov::testing::UtcTime(2026, 3, 2, 8)};

 private:
  auth::DevIssuer issuer_;
  std::shared_ptr<const auth::TokenVerifier> verifier_;
};

}  // namespace lov::console::testing

#endif  // LOV_SERVICES_CONSOLE_TESTS_DEV_SIGN_IN_H_
