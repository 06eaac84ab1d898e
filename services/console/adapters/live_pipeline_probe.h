#ifndef LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_
#define LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lov/console/ports.h"
#include "lov/platform/config.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"

namespace RdKafka {
class Producer;
}

namespace lov::console {

// Health over the wire: each service's /metrics (lov_serving, the consumer
// groups' lag and dead letters), Kafka cluster metadata, Redis PING.
class LivePipelineProbe : public PipelineProbe {
 public:
  // `services`: name and metrics host:port of every service to watch.
  LivePipelineProbe(std::vector<std::pair<std::string, std::string>> services,
                    KafkaSettings kafka, std::string redis_addr,
                    RedisAuth redis_auth = {});
  ~LivePipelineProbe() override;
  PipelineHealth Check() override;

  // The services to watch from the flags --<service>-metrics (host:port;
  // defaults: the local ports 9101-9104).
  static std::vector<std::pair<std::string, std::string>> WatchedServices(
      Config& config);

 private:
  ServiceHealth CheckService(const std::string& name,
                             const std::string& address);
  void CheckKafka(PipelineHealth* health);
  void CheckRedis(PipelineHealth* health);

  std::vector<std::pair<std::string, std::string>> services_;
  KafkaSettings kafka_settings_;
  std::string redis_addr_;
  RedisAuth redis_auth_;
  std::unique_ptr<RdKafka::Producer> kafka_;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_LIVE_PIPELINE_PROBE_H_
