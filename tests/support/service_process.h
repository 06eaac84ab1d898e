#ifndef LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace lov::testing {

// A free TCP port on 127.0.0.1 (bound to port 0, then released).
int FreePort();

// A service binary run as a child process against the test stack, the way
// it runs in production: flags and LOV_* environment, logs to a file.
class ServiceProcess {
 public:
  // `binary` is relative to the build directory, e.g.
  // "services/registry/registry".
  ServiceProcess(std::string binary, std::vector<std::string> flags);
  ~ServiceProcess();

  // Starts it and waits until its gRPC health check says SERVING.
  absl::Status Start(absl::Duration timeout = absl::Seconds(60));
  // SIGTERM and wait: the graceful path. Returns the exit code.
  int Terminate();
  // SIGKILL: the crash path.
  void Kill();
  bool Running() const;

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string target() const;
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

 private:
  std::string binary_;
  std::vector<std::string> flags_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

// Runs a binary to completion (for bad-configuration checks): exit code and
// combined output.
struct RunResult {
  int exit_code = -1;
  std::string output;
};
RunResult RunToCompletion(const std::string& binary,
                          const std::vector<std::string>& flags,
                          absl::Duration timeout = absl::Seconds(60));

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_SERVICE_PROCESS_H_
