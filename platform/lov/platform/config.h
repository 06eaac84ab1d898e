#ifndef LOV_PLATFORM_CONFIG_H_
#define LOV_PLATFORM_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace lov {

// Reads settings from command-line flags (--kafka-brokers=...) and the
// environment (LOV_KAFKA_BROKERS); a flag wins over the environment. Every
// getter records what is wrong instead of failing at once, so that `Validate()`
// can report all bad settings in one message that names each of them.
class Config {
 public:
  Config(int argc, char** argv);
  // For tests: explicit flags and environment.
  Config(std::map<std::string, std::string> flags,
         std::map<std::string, std::string> env);

  // `name` is the flag name, e.g. "kafka-brokers"; the environment variable is
  // LOV_ plus the name upper-cased with '-' as '_'.
  std::string String(const std::string& name, const std::string& fallback);
  std::string RequiredString(const std::string& name);
  int64_t Int(const std::string& name, int64_t fallback, int64_t min,
              int64_t max);
  int Port(const std::string& name, int fallback);
  bool Bool(const std::string& name, bool fallback);
  // "host:port" with a valid port.
  std::string HostPort(const std::string& name, const std::string& fallback);

  // Records a problem that involves several settings (e.g. a certificate
  // without its key); Validate() reports it with the others.
  void AddError(std::string problem);

  // OK, or InvalidArgument listing every bad setting (and unknown flags).
  absl::Status Validate() const;

  static std::string EnvName(const std::string& name);

 private:
  bool Lookup(const std::string& name, std::string* value, std::string* from);
  void Fail(const std::string& name, const std::string& from,
            const std::string& why);

  std::map<std::string, std::string> flags_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> errors_;
  std::vector<std::string> used_flags_;
  bool from_process_env_ = false;
};

}  // namespace lov

#endif  // LOV_PLATFORM_CONFIG_H_
