#include "bench_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "lov/platform/http_server.h"
#include "test_stack.h"

namespace lov::bench {

int64_t Flag(int argc, char** argv, const std::string& name, int64_t def) {
  const std::string text = TextFlag(argc, argv, name, "");
  int64_t v = def;
  if (!text.empty() && !absl::SimpleAtoi(text, &v)) {
    std::fprintf(stderr, "--%s=%s is not an integer\n", name.c_str(),
                 text.c_str());
    std::exit(2);
  }
  return v;
}

std::string TextFlag(int argc, char** argv, const std::string& name,
                     const std::string& def) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
  }
  return def;
}

void PrintRow(const std::string& row, const std::string& figure,
              const std::string& peer, double ratio, const std::string& goal,
              bool met) {
  std::printf("ROW\t%s\t%s\t%s\t%.3f\t%s\t%s\n", row.c_str(), figure.c_str(),
              peer.c_str(), ratio, goal.c_str(), met ? "yes" : "no");
  std::fflush(stdout);
}

int FindServicePid(const std::string& binary, const std::string& ns) {
  const std::string flag = "--namespace=" + ns;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (!std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
    std::vector<std::string> args = absl::StrSplit(cmdline, '\0');
    if (args.empty() || !absl::EndsWith(args[0], binary)) continue;
    if (std::find(args.begin(), args.end(), flag) != args.end()) {
      return std::stoi(pid);
    }
  }
  return -1;
}

double RssMiB(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return -1;
}

double MetricValue(int metrics_port, const std::string& name,
                   const std::string& label) {
  absl::StatusOr<std::string> page =
      http::Get(absl::StrCat("127.0.0.1:", metrics_port), "/metrics", 3000);
  if (!page.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(*page, '\n')) {
    if (absl::StartsWith(line, name + "{") && absl::StrContains(line, label)) {
      double value = -1;
      return absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value) ? value
                                                                        : -1;
    }
  }
  return -1;
}

bool WaitCaughtUp(int metrics_port, const std::string& group_suffix,
                  absl::Duration timeout) {
  const std::string label = group_suffix + "\"";
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + timeout;
  while (absl::Now() < deadline) {
    if (absl::Now() > start + absl::Seconds(2) &&
        MetricValue(metrics_port, "lov_consumer_lag", label) == 0 &&
        MetricValue(metrics_port, "lov_consumer_retrying", label) == 0) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

std::string Binary(const std::string& binaries, const std::string& binary) {
  if (binaries.empty()) return binary;
  const std::filesystem::path build =
      std::filesystem::read_symlink("/proc/self/exe")
          .parent_path()
          .parent_path();
  return std::filesystem::relative(std::filesystem::path(binaries) / binary,
                                   build)
      .string();
}

std::string BinariesFlag(int argc, char** argv) {
  const char* env = std::getenv("LOV_BENCH_BINARIES");
  return TextFlag(argc, argv, "binaries", env ? env : "");
}

absl::StatusOr<CommandStats> ReadCommandStats() {
  absl::StatusOr<std::unique_ptr<RedisClient>> redis =
      testing::Stack().ConnectRedis();
  if (!redis.ok()) return redis.status();
  absl::StatusOr<RedisReply> info = (*redis)->Command({"INFO", "commandstats"});
  if (!info.ok()) return info.status();
  // cmdstat_hget:calls=10,usec=20,usec_per_call=2.00,...
  CommandStats out;
  for (absl::string_view line : absl::StrSplit(info->str, '\n')) {
    if (!absl::ConsumePrefix(&line, "cmdstat_")) continue;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    CommandStat& stat = out[std::string(line.substr(0, colon))];
    for (absl::string_view field :
         absl::StrSplit(line.substr(colon + 1), ',')) {
      absl::string_view value = field;
      if (absl::ConsumePrefix(&value, "calls=")) {
        (void)absl::SimpleAtoi(value, &stat.calls);
      } else if (absl::ConsumePrefix(&value, "usec=")) {
        (void)absl::SimpleAtoi(value, &stat.usec);
      }
    }
  }
  return out;
}

absl::StatusOr<double> RedisMainThreadCpuSeconds() {
  absl::StatusOr<std::unique_ptr<RedisClient>> redis =
      testing::Stack().ConnectRedis();
  if (!redis.ok()) return redis.status();
  absl::StatusOr<RedisReply> info = (*redis)->Command({"INFO", "cpu"});
  if (!info.ok()) return info.status();
  double seconds = 0;
  int found = 0;
  for (absl::string_view line : absl::StrSplit(info->str, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "used_cpu_user_main_thread:") ||
        absl::ConsumePrefix(&line, "used_cpu_sys_main_thread:")) {
      double value = 0;
      if (!absl::SimpleAtod(line, &value)) break;
      seconds += value;
      ++found;
    }
  }
  if (found != 2) {
    return absl::UnavailableError("INFO cpu has no main-thread CPU times");
  }
  return seconds;
}

void PrintCommandsPer(const CommandStats& before, const CommandStats& after,
                      int64_t units, const std::string& unit) {
  if (units <= 0) return;
  int64_t calls = 0, usec = 0, scripts = 0;
  std::string lines;
  for (const auto& [name, stat] : after) {
    CommandStat was;
    if (auto it = before.find(name); it != before.end()) was = it->second;
    const int64_t c = stat.calls - was.calls;
    const int64_t u = stat.usec - was.usec;
    if (c <= 0 || name == "info") continue;
    if (name == "evalsha" || name == "eval") {
      scripts += u;  // the commands the scripts call included
    } else {
      calls += c;
      usec += u;
    }
    absl::StrAppend(
        &lines, absl::StrFormat("  %-16s %8.3f calls, %7.2f us per %s\n", name,
                                static_cast<double>(c) / units,
                                static_cast<double>(u) / units, unit));
  }
  std::printf(
      "redis commands per %s (INFO commandstats, %lld %ss): %.2f commands "
      "(those scripts call included, the script calls not), %.1f us in "
      "script calls (with the commands they call), %.1f us in commands "
      "(those scripts call included)\n%s",
      unit.c_str(), static_cast<long long>(units), unit.c_str(),
      static_cast<double>(calls) / units, static_cast<double>(scripts) / units,
      static_cast<double>(usec) / units, lines.c_str());
}

double SecondsSince(absl::Time start) {
  return absl::ToDoubleSeconds(absl::Now() - start);
}

std::optional<absl::Time> LogLineTime(const std::string& log,
                                      const std::string& msg) {
  const std::string quoted = absl::StrCat("\"msg\":\"", msg, "\"");
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, quoted)) continue;
    const size_t at = line.find("\"ts\":\"");
    if (at == absl::string_view::npos) continue;
    absl::string_view rest = line.substr(at + 6);
    absl::Time ts;
    std::string err;
    if (absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ",
                        std::string(rest.substr(0, rest.find('"'))), &ts,
                        &err)) {
      return ts;
    }
  }
  return std::nullopt;
}

double MedianSeconds(int times, const std::function<void()>& call) {
  std::vector<double> seconds;
  for (int i = 0; i < times; ++i) {
    const absl::Time t0 = absl::Now();
    call();
    seconds.push_back(SecondsSince(t0));
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

}  // namespace lov::bench
