#include "lov/visits/adapters/rejected_topic.h"

#include <map>

#include "lov/platform/kafka.h"

namespace lov::visits {

absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> EnsureRejectedTopic(
    const CommonSettings& common, const std::string& topic,
    absl::Duration keep) {
  if (absl::Status s =
          EnsureTopics(common.kafka(),
                       {{topic, common.topic_partitions,
                         common.topic_replication, RejectedTopicConfig(keep)}});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::map<std::string, std::string>> config =
      DescribeTopicConfig(common.kafka(), topic);
  if (!config.ok()) return config.status();
  if (absl::Status s = CheckKeepsFor(topic, *config, keep); !s.ok()) return s;
  return KafkaTopicEnd::Create(common.kafka(), topic);
}

absl::StatusOr<OwnTopicEnds> OpenOwnTopics(const CommonSettings& common,
                                           const StateTopics& topics,
                                           absl::Duration keep) {
  OwnTopicEnds ends;
  auto events = KafkaTopicEnd::Create(common.kafka(), topics.own);
  if (!events.ok()) return events.status();
  ends.events = std::move(*events);
  auto rejected = EnsureRejectedTopic(common, topics.rejected, keep);
  if (!rejected.ok()) return rejected.status();
  ends.rejected = std::move(*rejected);
  return ends;
}

}  // namespace lov::visits
