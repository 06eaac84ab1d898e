#ifndef LOV_SERVICES_VISITS_ADAPTERS_REJECTED_TOPIC_H_
#define LOV_SERVICES_VISITS_ADAPTERS_REJECTED_TOPIC_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/service_host.h"
#include "lov/platform/topic_end.h"
#include "lov/visits/adapters/state_projection.h"

namespace lov::visits {

// The end of the rejected reports' topic, which is made with retention
// `keep` (and a day) if it is missing (RejectedTopicConfig). One made before
// (by another service, or a KafkaTopic) must keep its events at least
// `keep`, or a rebuild would forget rejections that are still answered:
// FAILED_PRECONDITION naming its retention.ms otherwise.
absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> EnsureRejectedTopic(
    const CommonSettings& common, const std::string& topic,
    absl::Duration keep);

// The ends of both own topics, the rejected reports' one ensured as above.
struct OwnTopicEnds {
  std::unique_ptr<KafkaTopicEnd> events;
  std::unique_ptr<KafkaTopicEnd> rejected;
};
absl::StatusOr<OwnTopicEnds> OpenOwnTopics(const CommonSettings& common,
                                           const StateTopics& topics,
                                           absl::Duration keep);

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_ADAPTERS_REJECTED_TOPIC_H_
