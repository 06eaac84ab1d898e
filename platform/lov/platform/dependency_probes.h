#ifndef LOV_PLATFORM_DEPENDENCY_PROBES_H_
#define LOV_PLATFORM_DEPENDENCY_PROBES_H_

// How a service asks whether Kafka and Redis are there, for the
// DependencyMonitor: each over a connection of its own with a short
// timeout, so that a probe never waits behind the service's own traffic
// and never holds up the next round for long.

#include <string>

#include "absl/time/time.h"
#include "lov/platform/dependency_monitor.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"

namespace lov {

// "kafka": a metadata request to any broker of the cluster.
Dependency KafkaDependency(const KafkaSettings& settings,
                           absl::Duration timeout = absl::Milliseconds(1500));

// "redis": PING, connecting (again) with `auth` when there is no
// connection.
Dependency RedisDependency(const std::string& host_port, const RedisAuth& auth,
                           absl::Duration timeout = absl::Seconds(1));

}  // namespace lov

#endif  // LOV_PLATFORM_DEPENDENCY_PROBES_H_
