#include "lov/platform/topic_end.h"

#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"

namespace lov {
namespace {

constexpr int kTimeoutMs = 10000;

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> KafkaTopicEnd::Create(
    const KafkaSettings& settings, std::string topic) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (absl::Status s = SetConnectionConfig(conf.get(), settings,
                                           settings.client_id + "-watermarks");
      !s.ok()) {
    return s;
  }
  std::string err;
  std::unique_ptr<KafkaTopicEnd> t(new KafkaTopicEnd());
  t->handle_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!t->handle_) {
    return absl::InvalidArgumentError(absl::StrCat("kafka: ", err));
  }
  t->topic_ = std::move(topic);
  return t;
}

KafkaTopicEnd::~KafkaTopicEnd() = default;

absl::StatusOr<std::map<int32_t, int64_t>> KafkaTopicEnd::HighWatermarks() {
  std::string err;
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(handle_.get(), topic_, nullptr, err));
  if (!topic) return absl::UnavailableError(absl::StrCat("kafka: ", err));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code =
      handle_->metadata(false, topic.get(), &raw, kTimeoutMs);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka metadata of ", topic_,
                                               ": ", RdKafka::err2str(code)));
  }
  std::map<int32_t, int64_t> out;
  for (const auto* tm : *metadata->topics()) {
    for (const auto* pm : *tm->partitions()) {
      int64_t low = 0, high = 0;
      code = handle_->query_watermark_offsets(topic_, pm->id(), &low, &high,
                                              kTimeoutMs);
      if (code != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat(
            "kafka watermarks of ", topic_, ": ", RdKafka::err2str(code)));
      }
      out[pm->id()] = high;
    }
  }
  if (out.empty()) {
    return absl::UnavailableError(
        absl::StrCat("kafka: topic ", topic_, " has no partitions"));
  }
  return out;
}

}  // namespace lov
