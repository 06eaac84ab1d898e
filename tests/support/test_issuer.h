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

  // A service's flags: its namespace `ns`, tokens of this issuer only,
  // nobody let in without a credential.
  std::vector<std::string> ServiceFlags(const std::string& ns) const {
    return {"--namespace=" + ns, "--insecure-no-auth=false",
            "--oidc-jwks-file=" + jwks_path(),
            absl::StrCat("--oidc-issuer=", auth::DevIssuer::kIssuer),
            absl::StrCat("--oidc-audience=", auth::DevIssuer::kAudience)};
  }

  // A token valid for 30 minutes; `provider_id` for Role::kProvider only.
  std::string Token(auth::Role role,
                    const std::string& provider_id = "") const {
    absl::StatusOr<std::string> token = issuer_.Issue(
        role,
        absl::StrCat("SE2321000016-test-", std::string(auth::RoleName(role))),
        "0999", provider_id, absl::Minutes(30));
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
