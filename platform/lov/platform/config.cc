#include "lov/platform/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace lov {

Config::Config(int argc, char** argv) : from_process_env_(true) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      errors_.push_back(absl::StrCat("unexpected argument '", arg,
                                     "' (settings are --name=value)"));
      continue;
    }
    arg = arg.substr(2);
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        flags_[arg] = argv[++i];
      } else {
        flags_[arg] = "true";
      }
    } else {
      flags_[arg.substr(0, eq)] = arg.substr(eq + 1);
    }
  }
}

Config::Config(std::map<std::string, std::string> flags,
               std::map<std::string, std::string> env)
    : flags_(std::move(flags)), env_(std::move(env)) {}

std::string Config::EnvName(const std::string& name) {
  std::string out = "LOV_";
  for (char c : name) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  }
  return out;
}

bool Config::Lookup(const std::string& name, std::string* value,
                    std::string* from) {
  used_flags_.push_back(name);
  if (auto it = flags_.find(name); it != flags_.end()) {
    *value = it->second;
    *from = "--" + name;
    return true;
  }
  const std::string env = EnvName(name);
  if (from_process_env_) {
    if (const char* v = std::getenv(env.c_str()); v != nullptr && *v) {
      *value = v;
      *from = env;
      return true;
    }
  } else if (auto it = env_.find(env); it != env_.end()) {
    *value = it->second;
    *from = env;
    return true;
  }
  return false;
}

void Config::Fail(const std::string& name, const std::string& from,
                  const std::string& why) {
  errors_.push_back(absl::StrCat(from.empty() ? "--" + name : from, ": ", why));
}

std::string Config::String(const std::string& name,
                           const std::string& fallback) {
  std::string value, from;
  return Lookup(name, &value, &from) ? value : fallback;
}

std::string Config::RequiredString(const std::string& name) {
  std::string value, from;
  if (!Lookup(name, &value, &from) || value.empty()) {
    Fail(name, absl::StrCat("--", name, " / ", EnvName(name)),
         "is required but not set");
    return "";
  }
  return value;
}

int64_t Config::Int(const std::string& name, int64_t fallback, int64_t min,
                    int64_t max) {
  std::string value, from;
  if (!Lookup(name, &value, &from)) return fallback;
  int64_t out = 0;
  if (!absl::SimpleAtoi(value, &out)) {
    Fail(name, from, absl::StrCat("'", value, "' is not a whole number"));
    return fallback;
  }
  if (out < min || out > max) {
    Fail(name, from,
         absl::StrCat(out, " is out of range [", min, ", ", max, "]"));
    return fallback;
  }
  return out;
}

int Config::Port(const std::string& name, int fallback) {
  return static_cast<int>(Int(name, fallback, 0, 65535));
}

bool Config::Bool(const std::string& name, bool fallback) {
  std::string value, from;
  if (!Lookup(name, &value, &from)) return fallback;
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  Fail(name, from, absl::StrCat("'", value, "' is not true/false"));
  return fallback;
}

std::string Config::HostPort(const std::string& name,
                             const std::string& fallback) {
  std::string value, from;
  if (!Lookup(name, &value, &from)) value = fallback;
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    auto colon = part.rfind(':');
    int port = 0;
    if (colon == absl::string_view::npos || colon == 0 ||
        !absl::SimpleAtoi(part.substr(colon + 1), &port) || port <= 0 ||
        port > 65535) {
      Fail(name, from,
           absl::StrCat("'", part, "' is not host:port with a port 1-65535"));
    }
  }
  return value;
}

void Config::AddError(std::string problem) {
  errors_.push_back(std::move(problem));
}

absl::Status Config::Validate() const {
  std::vector<std::string> errors = errors_;
  for (const auto& [flag, value] : flags_) {
    if (std::find(used_flags_.begin(), used_flags_.end(), flag) ==
        used_flags_.end()) {
      errors.push_back(absl::StrCat("--", flag, ": unknown setting"));
    }
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("bad configuration: ", absl::StrJoin(errors, "; ")));
}

}  // namespace lov
