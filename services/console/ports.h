#ifndef LOV_SERVICES_CONSOLE_PORTS_H_
#define LOV_SERVICES_CONSOLE_PORTS_H_

// The console's application layer asks these small interfaces about the
// rest of the system; adapters/ implements them over HTTP, Kafka and Redis,
// tests with fixed answers.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/console/domain/consumer_lag.h"
#include "lov/followup/v1/followup.pb.h"

namespace lov::console {

struct GroupHealth {
  std::string group;
  // As Kafka has it (the group's lag over its topics, GroupLagReport) once
  // the probe has read it; `lag_unknown` when Kafka could not be asked or
  // does not know the group.
  double lag = 0;
  double consumed = 0;
  double dead_lettered = 0;
  bool lag_unknown = false;
  bool never_committed = false;  // on some topic it reads
};

// One pod of a service: one address its watched name resolves to, as its
// /metrics reads.
struct PodHealth {
  std::string address;   // ip:port
  bool up = false;       // /metrics answered
  bool serving = false;  // lov_serving == 1
  // The dependencies it checks (lov_dependency_up): "kafka", "redis".
  std::vector<std::string> dependencies_up;
  std::vector<std::string> dependencies_down;
  std::string error;
};

struct ServiceHealth {
  std::string name;
  // host:port, or several comma-separated: what the console resolves to
  // the service's pods (in Kubernetes the headless Service <name>-pods).
  std::string metrics_address;
  bool up = false;       // some pod's /metrics answered
  bool serving = false;  // some pod serves (lov_serving == 1)
  // Serving, but not on every pod: some pod does not serve or answer.
  bool degraded = false;
  // What the service's pods cannot reach (lov_dependency_up == 0):
  // "kafka", "redis"; a pod is not serving meanwhile. dependencies_up:
  // what one pod's /metrics says it reaches (ReadServiceMetrics).
  std::vector<std::string> dependencies_up;
  std::vector<std::string> dependencies_down;
  std::string error;
  std::vector<GroupHealth> groups;  // counts summed over the pods
  std::vector<PodHealth> pods;      // in the order resolved
};

struct PipelineHealth {
  absl::Time checked_at = absl::InfinitePast();
  std::vector<ServiceHealth> services;
  bool kafka_reachable = false;
  std::string kafka_error;
  bool redis_reachable = false;
  std::string redis_error;
  // Every service consumer group's lag per topic, read from Kafka (committed
  // vs end offsets); why it could not be read, if it could not.
  std::vector<TopicLag> group_lags;
  std::string group_lags_error;
  // (group, topic) rows of group_lags with nothing committed yet.
  std::set<std::pair<std::string, std::string>> never_committed;
};

class GroupLagReader {
 public:
  virtual ~GroupLagReader() = default;
  // The lag of every consumer group of the services, per topic, sorted by
  // group and topic; UNAVAILABLE when Kafka does not answer.
  virtual absl::StatusOr<std::vector<TopicLag>> Read() = 0;
  // The same lags, with the groups that never committed and the service of
  // each group (GroupLagReport).
  virtual absl::StatusOr<GroupLagReport> ReadReport() {
    absl::StatusOr<std::vector<TopicLag>> lags = Read();
    if (!lags.ok()) return lags.status();
    return GroupLagReport{.lags = *std::move(lags)};
  }
};

// Every address a watched name stands for, asked anew each round: in
// Kubernetes a headless Service's name resolves to each of its pods.
class AddressResolver {
 public:
  virtual ~AddressResolver() = default;
  // "host:port" -> every "ip:port" of the host ("[v6]:port" for IPv6),
  // sorted; an IP address is itself. UNAVAILABLE when it does not resolve.
  virtual absl::StatusOr<std::vector<std::string>> Resolve(
      const std::string& host_port) = 0;
};

// One pod's /metrics text, by its address; over HTTPS the pod's certificate
// must name `service` (a pod's IP is in none).
class MetricsScraper {
 public:
  virtual ~MetricsScraper() = default;
  virtual absl::StatusOr<std::string> Scrape(const std::string& service,
                                             const std::string& address) = 0;
};

class PipelineProbe {
 public:
  virtual ~PipelineProbe() = default;
  // Asks every service pod's metrics endpoint, Kafka and Redis; never blocks
  // for long (short timeouts), never fails: what is down is reported as down.
  virtual PipelineHealth Check() = 0;
};

// The choice service's allocation-neutrality audit (GetNeutralityReport),
// asked with the console's own identity for the dashboard's panel.
class NeutralitySource {
 public:
  virtual ~NeutralitySource() = default;
  // Choice's report, or why it did not answer.
  virtual absl::StatusOr<choice::v1::GetNeutralityReportResponse> Report(
      const choice::v1::GetNeutralityReportRequest& request) = 0;
};

// The follow-up service's indicators (ListIndicators, as of a date), asked
// with the console's own identity for the continuity panel's as-of rows.
class IndicatorsSource {
 public:
  virtual ~IndicatorsSource() = default;
  // One page of follow-up's answer, or why it did not answer.
  virtual absl::StatusOr<followup::v1::ListIndicatorsResponse> List(
      const followup::v1::ListIndicatorsRequest& request) = 0;
};

}  // namespace lov::console

#endif  // LOV_SERVICES_CONSOLE_PORTS_H_
