// The peer of the rebuild benchmark: reading topics from the beginning to
// their current end with a bare librdkafka consumer (no parsing, no state),
// what `kcat -C -e` does, as fast as the broker hands the messages out.
#ifndef LOV_BENCH_RAW_CONSUME_H_
#define LOV_BENCH_RAW_CONSUME_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/platform/kafka.h"

namespace lov::bench {

struct RawConsumed {
  int64_t messages = 0;
  int64_t bytes = 0;
  double seconds = 0;  // from creating the consumer to the last message
};

// Every partition of `topics` from its first offset to the end it had when
// the read began.
absl::StatusOr<RawConsumed> RawConsume(const KafkaSettings& kafka,
                                       const std::vector<std::string>& topics);

}  // namespace lov::bench

#endif  // LOV_BENCH_RAW_CONSUME_H_
