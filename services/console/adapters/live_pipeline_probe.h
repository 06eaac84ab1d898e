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
// dependencies it reaches and cannot reach, its consumer groups' lag and
// dead letters.
void ReadServiceMetrics(const std::string& text, ServiceHealth* health);

// The Lag column of the services' rows from Kafka (`report`), not from
// their /metrics: each service's groups are those Kafka names for it
// (report.service_of_group), each with its lag summed over its topics and
// whether it never committed; a group only the service's /metrics names
// keeps its other figures, its lag unknown. `report` null (Kafka could not
// be asked): every lag unknown.
void SetLagsFromKafka(const GroupLagReport* report,
                      std::vector<ServiceHealth>* services);

// Health over the wire: the /metrics of every pod of each service
// (CheckServicePods: its watched name resolved afresh each round, each
// address read with ReadServiceMetrics), Kafka
// and Redis asked as the services ask them (dependency_probes.h), and the
// consumer groups' lag as Kafka has it (`group_lags`, if given; then also
// the Lag column of every service's groups: SetLagsFromKafka).
class LivePipelineProbe : public PipelineProbe {
 public:
  // `services`: name and metrics host:port of every service to watch (or
  // several host:port, comma-separated).
  LivePipelineProbe(std::vector<std::pair<std::string, std::string>> services,
                    KafkaSettings kafka, std::string redis_addr,
                    RedisAuth redis_auth = {},
                    GroupLagReader* group_lags = nullptr);
  ~LivePipelineProbe() override;
  PipelineHealth Check() override;
  // The services' metrics ports speak HTTPS (--metrics-tls, which the
  // console is given with them): read them so, each pod's certificate
  // checked against `ca_file` (the deployment's CA, --tls-client-ca) and
  // for its service's name.
  void ReadMetricsOverHttps(std::string ca_file);

  // The services to watch from the flags --<service>-metrics (host:port;
  // defaults: the local ports 9101-9104 and 9107 for followup).
  static std::vector<std::pair<std::string, std::string>> WatchedServices(
      Config& config);

  // Whose /metrics the console reads (WatchedServices), and how: over
  // HTTPS, each pod's certificate checked against --tls-client-ca, or over
  // plain HTTP only with --insecure-metrics-plaintext
  // (LOV_INSECURE_METRICS_PLAINTEXT), a development setting.
  struct MetricsWatch {
    std::vector<std::pair<std::string, std::string>> services;
    bool plaintext = false;
  };
  // From the flags; without --tls-client-ca and the plaintext setting,
  // `config` records an error naming the flag (the console does not start).
  static MetricsWatch ReadMetricsWatch(Config& config);
  // Reads the pods as `watch` says, over HTTPS against `ca_file`, or over
  // plain HTTP with a warning in the log and on standard error.
  void ReadMetrics(const MetricsWatch& watch, const std::string& ca_file);

 private:
  std::vector<std::pair<std::string, std::string>> services_;
  std::unique_ptr<AddressResolver> resolver_;
  std::unique_ptr<MetricsScraper> scraper_;
  Dependency kafka_;
  Dependency redis_;
  GroupLagReader* group_lags_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_
