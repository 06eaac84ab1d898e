#ifndef LOV_SERVICES_CONSOLE_ADAPTERS_KAFKA_GROUP_LAG_H_
#define LOV_SERVICES_CONSOLE_ADAPTERS_KAFKA_GROUP_LAG_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/console/app/console_app.h"
#include "lov/console/domain/consumer_lag.h"
#include "lov/console/ports.h"
#include "lov/platform/kafka.h"
#include "lov/platform/service_main.h"

namespace RdKafka {
class Producer;
}  // namespace RdKafka

namespace lov::console {

// The services' consumer lag from Kafka itself, with librdkafka's admin API:
// the consumer groups (ListConsumerGroups, only the services' ones:
// IsServiceGroup), each group's committed offsets
// (ListConsumerGroupOffsets), the partitions its members are assigned
// (DescribeConsumerGroups: a group that has not committed yet still reads
// them) and the end of every partition of the topics it reads (the
// watermarks). As the console's Kafka user, which may describe
// the services' groups and the topics they read and nothing more
// (k8s/base/kafka/users.yaml).
class KafkaGroupLag : public GroupLagReader {
 public:
  // `name_space`: the --namespace prefix of the groups, empty for none; each
  // request waits at most `timeout`.
  static absl::StatusOr<std::unique_ptr<KafkaGroupLag>> Create(
      const KafkaSettings& settings, std::string name_space,
      absl::Duration timeout = absl::Seconds(5));
  ~KafkaGroupLag() override;
  absl::StatusOr<std::vector<TopicLag>> Read() override;
  absl::StatusOr<GroupLagReport> ReadReport() override;

 private:
  KafkaGroupLag() = default;
  absl::StatusOr<std::vector<std::string>> ListGroups();
  absl::StatusOr<std::map<TopicPartition, int64_t>> Committed(
      const std::string& group);
  // The topics each of `groups`' members are assigned.
  absl::StatusOr<std::map<std::string, std::set<std::string>>> AssignedTopics(
      const std::vector<std::string>& groups);
  absl::Status AddEnds(const std::string& topic,
                       std::map<TopicPartition, PartitionEnds>* ends);

  std::unique_ptr<RdKafka::Producer> handle_;
  std::string name_space_;
  std::string brokers_;
  int timeout_ms_ = 5000;
};

// lov_consumer_group_lag{group,topic}: the lags of the console's last health
// check (PipelineHealth::group_lags), at every scrape.
void AddGroupLagGauges(ConsoleApp* app);

// A KafkaGroupLag with the service's Kafka settings and namespace, kept
// until shutdown, its lags published by AddGroupLagGauges.
absl::StatusOr<GroupLagReader*> WatchGroupLag(ServiceContext& ctx,
                                              ConsoleApp* app);

}  // namespace lov::console

#endif  // LOV_SERVICES_CONSOLE_ADAPTERS_KAFKA_GROUP_LAG_H_
