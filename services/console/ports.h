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
#include "lov/console/domain/consumer_lag.h"

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

struct ServiceHealth {
  std::string name;
  std::string metrics_address;  // host:port
  bool up = false;              // /metrics answered
  bool serving = false;         // lov_serving == 1
  // What the service itself cannot reach (lov_dependency_up == 0):
  // "kafka", "redis"; it is not serving meanwhile.
  std::vector<std::string> dependencies_down;
  std::string error;
  std::vector<GroupHealth> groups;
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

class PipelineProbe {
 public:
  virtual ~PipelineProbe() = default;
  // Asks every service's metrics endpoint, Kafka and Redis; never blocks for
  // long (short timeouts), never fails: what is down is reported as down.
  virtual PipelineHealth Check() = 0;
};

}  // namespace lov::console

#endif  // LOV_SERVICES_CONSOLE_PORTS_H_
