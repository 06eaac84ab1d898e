#ifndef LOV_SERVICES_FOLLOWUP_ADAPTERS_KAFKA_FOLLOWUP_PUBLISHER_H_
#define LOV_SERVICES_FOLLOWUP_ADAPTERS_KAFKA_FOLLOWUP_PUBLISHER_H_

#include <string>

#include "lov/followup/ports.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"

namespace lov::followup {

inline constexpr char kFollowupSource[] = "/lov/followup";

class KafkaFollowupPublisher : public EventPublisher {
 public:
  KafkaFollowupPublisher(EventProducer* producer,
                         std::string topic = topics::kFollowupEvents)
      : producer_(producer), topic_(std::move(topic)) {}
  absl::Status Publish(const v1::FollowupEvent& event) override {
    return producer_->Publish(topic_, ToCloudEvent(event, kFollowupSource));
  }

 private:
  EventProducer* producer_;
  std::string topic_;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_ADAPTERS_KAFKA_FOLLOWUP_PUBLISHER_H_
