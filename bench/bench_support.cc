#include "bench_support.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lov/platform/http_server.h"

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

double SecondsSince(absl::Time start) {
  return absl::ToDoubleSeconds(absl::Now() - start);
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
