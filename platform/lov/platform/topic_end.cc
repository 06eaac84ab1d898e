#include "lov/platform/topic_end.h"

#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"
#include "lov/platform/kafka_watermarks.h"

namespace lov {
namespace {

constexpr int kTimeoutMs = 10000;

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> KafkaTopicEnd::Create(
    const KafkaSettings& settings, std::string topic) {
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> handle =
      MetadataHandle(settings, "watermarks");
  if (!handle.ok()) return handle.status();
  std::unique_ptr<KafkaTopicEnd> t(new KafkaTopicEnd());
  t->handle_ = *std::move(handle);
  t->topic_ = std::move(topic);
  return t;
}

KafkaTopicEnd::~KafkaTopicEnd() = default;

absl::StatusOr<std::map<int32_t, int64_t>> KafkaTopicEnd::HighWatermarks() {
  absl::StatusOr<std::map<int32_t, PartitionWatermarks>> marks =
      QueryWatermarks(*handle_, topic_, kTimeoutMs);
  if (!marks.ok()) return marks.status();
  std::map<int32_t, int64_t> out;
  for (const auto& [partition, w] : *marks) out[partition] = w.high;
  if (out.empty()) {
    return absl::UnavailableError(
        absl::StrCat("kafka: topic ", topic_, " has no partitions"));
  }
  return out;
}

}  // namespace lov
