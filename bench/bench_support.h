// What the load drivers of `make bench` share: flags, the one result line
// each prints for bench/run_bench.sh, a service process's memory and
// metrics, and waiting for a projection to catch up. Not a test.
#ifndef LOV_BENCH_BENCH_SUPPORT_H_
#define LOV_BENCH_BENCH_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lov::bench {

// --name=<integer>, else `def`.
int64_t Flag(int argc, char** argv, const std::string& name, int64_t def);
// --name=<text>, else `def`.
std::string TextFlag(int argc, char** argv, const std::string& name,
                     const std::string& def);

// The line bench/run_bench.sh turns into a table row, tab-separated:
//   ROW <row> <figure> <peer> <ratio> <goal> <met: yes|no>
// `ratio` is printed with three decimals.
void PrintRow(const std::string& row, const std::string& figure,
              const std::string& peer, double ratio, const std::string& goal,
              bool met);

// The pid of the running service whose command line holds `binary` and
// the flag `--namespace=<ns>`; -1 when none.
int FindServicePid(const std::string& binary, const std::string& ns);
// Resident memory of a process in MiB (VmRSS); -1 if unreadable.
double RssMiB(int pid);

// The value of the first line of the service's /metrics that starts with
// `name{` and contains `label` (e.g. ".settlement.state\""); -1 if none.
double MetricValue(int metrics_port, const std::string& name,
                   const std::string& label);
// Waits until the consumer group `group_suffix` (e.g. ".settlement.state")
// of the service on `metrics_port` has no lag and holds nothing for a
// retry (lag is refreshed once a second), or `timeout` passed.
bool WaitCaughtUp(int metrics_port, const std::string& group_suffix,
                  absl::Duration timeout);

// `binary` (as laid out in the build, e.g. "services/visits/visits") under
// `binaries` (a copy of the build's binaries, so that other builds cannot
// replace them during a run), as a path from the build directory, where
// ServiceProcess and RunToCompletion look; `binary` itself when
// `binaries` is empty.
std::string Binary(const std::string& binaries, const std::string& binary);
// --binaries=DIR, else $LOV_BENCH_BINARIES, else "" (the build's own).
std::string BinariesFlag(int argc, char** argv);

// Redis's own count of the commands it ran (INFO commandstats), per
// command: calls and microseconds. The commands scripts call are counted
// under their own names besides the script call itself.
struct CommandStat {
  int64_t calls = 0;
  int64_t usec = 0;
};
using CommandStats = std::map<std::string, CommandStat>;
// Read from the test stack's Redis (as its admin user).
absl::StatusOr<CommandStats> ReadCommandStats();
// Prints, per command, the calls and microseconds between `before` and
// `after` divided by `units` (e.g. the reports accepted), and the totals
// ("commands per <unit>").
void PrintCommandsPer(const CommandStats& before, const CommandStats& after,
                      int64_t units, const std::string& unit);
// The CPU seconds (user + system) Redis's main thread has used (INFO cpu:
// the thread that parses requests and runs every command and script), from
// the test stack's Redis. Its difference over a step, per report, is the
// Redis work per report, less exposed to other load than wall time.
absl::StatusOr<double> RedisMainThreadCpuSeconds();

// Seconds since `start`.
double SecondsSince(absl::Time start);
// When a service's JSON log (lov::log) wrote its first line whose "msg" is
// exactly `msg` (that line's "ts", millisecond precision); nullopt if it
// has none. E.g. "registry serving": the moment it began to serve, without
// the delay of a health poll.
std::optional<absl::Time> LogLineTime(const std::string& log,
                                      const std::string& msg);
// Runs `call` `times` times; the median of its wall times in seconds.
double MedianSeconds(int times, const std::function<void()>& call);

}  // namespace lov::bench

#endif  // LOV_BENCH_BENCH_SUPPORT_H_
