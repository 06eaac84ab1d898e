#include "lov/platform/kafka_watermarks.h"

#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"

namespace lov {

absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MetadataHandle(
    const KafkaSettings& settings, const std::string& suffix) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (absl::Status s = SetConnectionConfig(conf.get(), settings,
                                           settings.client_id + "-" + suffix);
      !s.ok()) {
    return s;
  }
  std::string err;
  std::unique_ptr<RdKafka::Producer> handle(
      RdKafka::Producer::create(conf.get(), err));
  if (!handle) return absl::InvalidArgumentError(absl::StrCat("kafka: ", err));
  return handle;
}

absl::StatusOr<std::map<int32_t, PartitionWatermarks>> QueryWatermarks(
    RdKafka::Producer& handle, const std::string& topic, int timeout_ms) {
  std::string err;
  std::unique_ptr<RdKafka::Topic> t(
      RdKafka::Topic::create(&handle, topic, nullptr, err));
  if (!t) return absl::UnavailableError(absl::StrCat("kafka: ", err));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code = handle.metadata(false, t.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka metadata of ", topic,
                                               ": ", RdKafka::err2str(code)));
  }
  std::map<int32_t, PartitionWatermarks> out;
  for (const auto* tm : *metadata->topics()) {
    for (const auto* pm : *tm->partitions()) {
      PartitionWatermarks w;
      code = handle.query_watermark_offsets(topic, pm->id(), &w.low, &w.high,
                                            timeout_ms);
      if (code != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat(
            "kafka watermarks of ", topic, ": ", RdKafka::err2str(code)));
      }
      out[pm->id()] = w;
    }
  }
  return out;
}

}  // namespace lov
