#ifndef LOV_TESTS_SUPPORT_TEST_ISSUER_H_
#define LOV_TESTS_SUPPORT_TEST_ISSUER_H_

// Sign-in for tests that run services as `make run` does: a development
// token issuer whose key is made in a fresh temporary directory, the flags
// that make a service trust only it (and not let calls in without a
// credential), and tokens for any role.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"

namespace lov::testing {

class TestIssuer {
 public:
  // A key (dev-issuer.jwk, mode 0600) and its public key set (jwks.json) in
  // a new directory under the test's temporary directory.
  static absl::StatusOr<std::unique_ptr<TestIssuer>> Make() {
    const std::string dir =
        absl::StrCat(::testing::TempDir(), "/issuer-", NewUuid());
    std::filesystem::create_directories(dir);
    static SystemClock clock;
    absl::StatusOr<auth::DevIssuer> issuer =
        auth::DevIssuer::LoadOrCreate(dir + "/dev-issuer.jwk", &clock);
    if (!issuer.ok()) return issuer.status();
    auto made =
        std::unique_ptr<TestIssuer>(new TestIssuer(dir, *std::move(issuer)));
    if (absl::Status s = made->issuer_.WritePublicJwks(made->jwks_path());
        !s.ok()) {
      return s;
    }
    return made;
  }

  // A service's flags to trust tokens of this issuer only and let nobody
  // in without a credential.
  std::vector<std::string> TrustFlags() const {
    return {"--oidc-jwks-file=" + jwks_path(),
            absl::StrCat("--oidc-issuer=", auth::DevIssuer::kIssuer),
            absl::StrCat("--oidc-audience=", auth::DevIssuer::kAudience)};
  }
  // TrustFlags() with the service's namespace `ns`.
  std::vector<std::string> ServiceFlags(const std::string& ns) const {
    std::vector<std::string> flags = TrustFlags();
    flags.insert(flags.begin(), "--namespace=" + ns);
    return flags;
  }

  // A token valid for `lifetime` (30 minutes); `provider_id` for
  // ROLE_PROVIDER only; `subject` the caller's HSA-id ("" for
  // "SE2321000016-test-<role>").
  std::string Token(auth::v1::Role role, const std::string& provider_id = "",
                    const std::string& subject = "",
                    absl::Duration lifetime = absl::Minutes(30)) const {
    absl::StatusOr<std::string> token = issuer_.Issue(
        role,
        subject.empty() ? absl::StrCat("SE2321000016-test-", RoleName(role))
                        : subject,
        "0999", provider_id, lifetime);
    return token.ok() ? *token : "";
  }

  std::string key_path() const { return dir_ + "/dev-issuer.jwk"; }
  std::string jwks_path() const { return dir_ + "/jwks.json"; }

 private:
  TestIssuer(std::string dir, auth::DevIssuer issuer)
      : dir_(std::move(dir)), issuer_(std::move(issuer)) {}

  std::string dir_;
  auth::DevIssuer issuer_;
};

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_TEST_ISSUER_H_
