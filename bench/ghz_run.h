// Runs ghz (the gRPC load tool deploy/install.sh builds into .tools/bin)
// at a fixed request rate and reads back every request's latency and
// status from its JSON report, so the runs against two replicas can be
// merged into one latency distribution.
#ifndef LOV_BENCH_GHZ_RUN_H_
#define LOV_BENCH_GHZ_RUN_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace lov::bench {

struct GhzCall {
  std::string ghz;            // the binary
  std::string protoset;       // compiled descriptors (protoc --include_imports)
  std::string method;         // "lov.choice.v1.ChoiceService.Choose"
  std::string target;         // "127.0.0.1:PORT"
  std::string data_file;      // a JSON array of requests, used round-robin
  std::string token;          // bearer token ("" for none)
  std::string ca, cert, key;  // TLS: CA, client certificate and key
  int rps = 250;
  int total = 1000;
  std::string report;  // where ghz writes its JSON report
};

struct GhzResult {
  std::vector<double> latencies_ms;     // every request, any status
  std::map<std::string, int> statuses;  // "OK", "FailedPrecondition", ...
  std::string first_error;              // the first non-OK answer's error
};

// Runs one ghz process to completion; its report parsed.
absl::StatusOr<GhzResult> RunGhz(const GhzCall& call);

// Runs the calls at the same time (one ghz process each), merged.
absl::StatusOr<GhzResult> RunGhzTogether(const std::vector<GhzCall>& calls);

// The q-quantile (0..1) of `ms` (sorted in place), nearest rank.
double Quantile(std::vector<double>& ms, double q);

}  // namespace lov::bench

#endif  // LOV_BENCH_GHZ_RUN_H_
