#ifndef LOV_PLATFORM_KAFKA_WATERMARKS_H_
#define LOV_PLATFORM_KAFKA_WATERMARKS_H_

// Asking Kafka where its topics begin and end, written once for whoever
// needs it (a projection waiting for a topic's end, the console's consumer
// group lag).

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

// A Kafka handle for metadata and offset queries only (a producer that never
// produces), with the connection settings of `settings` and the client id
// <client_id>-<suffix>; INVALID_ARGUMENT when the settings are refused.
absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MetadataHandle(
    const KafkaSettings& settings, const std::string& suffix);

// One partition's first kept offset and the offset the next event written
// there gets (its low and high watermarks).
struct PartitionWatermarks {
  int64_t low = 0;
  int64_t high = 0;
};

// Every partition of `topic` with its watermarks, by partition id;
// UNAVAILABLE when Kafka does not answer within `timeout_ms` for each
// question.
absl::StatusOr<std::map<int32_t, PartitionWatermarks>> QueryWatermarks(
    RdKafka::Producer& handle, const std::string& topic, int timeout_ms);

}  // namespace lov

#endif  // LOV_PLATFORM_KAFKA_WATERMARKS_H_
