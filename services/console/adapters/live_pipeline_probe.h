#ifndef LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_
#define LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lov/console/ports.h"
#include "lov/platform/config.h"
#include "lov/platform/dependency_monitor.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"

namespace lov::console {

// What a service's /metrics text says about its health: serving, the
// dependencies it cannot reach, its consumer groups' lag and dead letters.
void ReadServiceMetrics(const std::string& text, ServiceHealth* health);

// The Lag column of the services' rows from Kafka (`report`), not from
// their /metrics: each service's groups are those Kafka names for it
// (report.service_of_group), each with its lag summed over its topics and
// whether it never committed; a group only the service's /metrics names
// keeps its other figures, its lag unknown. `report` null (Kafka could not
// be asked): every lag unknown.
void SetLagsFromKafka(const GroupLagReport* report,
                      std::vector<ServiceHealth>* services);

// Health over the wire: each service's /metrics (ReadServiceMetrics), Kafka
// and Redis asked as the services ask them (dependency_probes.h), and the
// consumer groups' lag as Kafka has it (`group_lags`, if given; then also
// the Lag column of every service's groups: SetLagsFromKafka).
class LivePipelineProbe : public PipelineProbe {
 public:
  // `services`: name and metrics host:port of every service to watch.
  LivePipelineProbe(std::vector<std::pair<std::string, std::string>> services,
                    KafkaSettings kafka, std::string redis_addr,
                    RedisAuth redis_auth = {},
                    GroupLagReader* group_lags = nullptr);
  ~LivePipelineProbe() override;
  PipelineHealth Check() override;

  // The services to watch from the flags --<service>-metrics (host:port;
  // defaults: the local ports 9101-9104 and 9107 for followup).
  static std::vector<std::pair<std::string, std::string>> WatchedServices(
      Config& config);

 private:
  ServiceHealth CheckService(const std::string& name,
                             const std::string& address);

  std::vector<std::pair<std::string, std::string>> services_;
  Dependency kafka_;
  Dependency redis_;
  GroupLagReader* group_lags_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_
