#ifndef LOV_PLATFORM_TOPIC_END_H_
#define LOV_PLATFORM_TOPIC_END_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lov/platform/kafka.h"

namespace RdKafka {
class Producer;
}  // namespace RdKafka

namespace lov {

// The end of one topic: per partition, the offset the next event written
// there gets (its high watermark). A projection that has applied up to
// these offsets has seen every event written before they were read.
class TopicEnd {
 public:
  virtual ~TopicEnd() = default;
  virtual absl::StatusOr<std::map<int32_t, int64_t>> HighWatermarks() = 0;
};

// TopicEnd from a metadata-only Kafka handle; UNAVAILABLE when the cluster
// does not answer.
class KafkaTopicEnd : public TopicEnd {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> Create(
      const KafkaSettings& settings, std::string topic);
  ~KafkaTopicEnd() override;
  absl::StatusOr<std::map<int32_t, int64_t>> HighWatermarks() override;

 private:
  KafkaTopicEnd() = default;
  std::unique_ptr<RdKafka::Producer> handle_;
  std::string topic_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_TOPIC_END_H_
