#ifndef LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace lov::testing {

// A free TCP port on 127.0.0.1 (bound to port 0, then released).
int FreePort();

// A service binary run as a child process against the test stack, the way
// it runs in production: flags and LOV_* environment, logs to a file, TLS
// with the stack's certificates (client certificates verified) on its gRPC
// port, which listens on 127.0.0.1, its own Kafka and Redis user
// (TestStack::CredentialEnv; a test's flags override them), and sign-in on:
// it trusts the tokens of the test binary's issuer (test_sign_in.h) and lets
// no call in without a credential. A test that configures sign-in itself
// (--oidc-* flags of its own issuer) gets none of that.
// The secret key every ServiceProcess gets as LOV_PNR_HMAC_KEY (choice) and
// LOV_PROVIDER_ID_KEY (registry).
inline constexpr char kTestServiceKey[] =
    "lov-test-service-key-0123456789abcdef";
// choice's key-encryption key, in the file every ServiceProcess gets as
// LOV_PNR_ENCRYPTION_KEY_FILE (64 hex digits, as a mounted Secret holds it).
inline constexpr char kTestKeyEncryptionKeyHex[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class ServiceProcess {
 public:
  // `binary` is relative to the build directory, e.g.
  // "services/registry/registry".
  ServiceProcess(std::string binary, std::vector<std::string> flags);
  ~ServiceProcess();

  // Starts it and waits until its gRPC health check says SERVING. Started
  // again (after Kill or Terminate), it listens on the same ports.
  absl::Status Start(absl::Duration timeout = absl::Seconds(60));
  // SIGTERM and wait: the graceful path. Returns the exit code.
  int Terminate();
  // SIGKILL: the crash path.
  void Kill();
  bool Running() const;

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string target() const;
  // A TLS channel to it, with the client certificate of `identity`. When
  // the service trusts the test binary's issuer and `identity` is no system
  // identity of its own (service:..., provider:...), each call without an
  // authorization header is signed in for a role its policy allows
  // (lov::testing::DefaultCaller).
  std::shared_ptr<grpc::Channel> Channel(
      const std::string& identity = "system:test") const;
  // The same without signing anything in: calls carry only what the test
  // puts in their context (for tests of refusals).
  std::shared_ptr<grpc::Channel> BareChannel(
      const std::string& identity = "system:test") const;
  // Whether it trusts the test binary's issuer (test_sign_in.h).
  bool signs_in() const { return signs_in_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

 private:
  absl::Status StartOnce(absl::Duration timeout);

  std::string binary_;
  std::vector<std::string> flags_;
  bool signs_in_ = false;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

// Runs a binary to completion (for bad-configuration checks, lovctl, the
// simulator): exit code and combined output. Its environment is the test's
// plus the client TLS settings of the stack's "system:test" certificate
// (LOV_TLS_CA, ...), the binary's Kafka and Redis credentials
// (TestStack::CredentialEnv), for a service binary the secret keys and the
// sign-in settings a ServiceProcess gets (as LOV_PNR_HMAC_KEY, ...,
// LOV_OIDC_*; the sign-in settings not when its
// flags configure sign-in) and then `env` ("NAME=value"; a later one wins).
// Its standard input is `input` (a file, so never a terminal).
struct RunResult {
  int exit_code = -1;
  std::string output;
};
RunResult RunToCompletion(const std::string& binary,
                          const std::vector<std::string>& flags,
                          absl::Duration timeout = absl::Seconds(60),
                          const std::vector<std::string>& env = {},
                          const std::string& input = "");

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_
