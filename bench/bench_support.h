// What the load drivers of `make bench` share: flags, the one result line
// each prints for bench/run_bench.sh, a service process's memory and
// metrics, and waiting for a projection to catch up. Not a test.
#ifndef LOV_BENCH_BENCH_SUPPORT_H_
#define LOV_BENCH_BENCH_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <string>

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

// Seconds since `start`.
double SecondsSince(absl::Time start);
// Runs `call` `times` times; the median of its wall times in seconds.
double MedianSeconds(int times, const std::function<void()>& call);

}  // namespace lov::bench

#endif  // LOV_BENCH_BENCH_SUPPORT_H_
