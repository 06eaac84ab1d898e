#ifndef LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_

#include <string>
#include <vector>

#include "lov/choice/ports.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"

namespace lov::choice {

inline constexpr char kChoiceSource[] = "/lov/choice";

class KafkaChoicePublisher : public EventPublisher {
 public:
  KafkaChoicePublisher(EventProducer* producer,
                       std::string topic = topics::kChoiceEvents)
      : producer_(producer), topic_(std::move(topic)) {}
  absl::Status Publish(const std::vector<v1::ChoiceEvent>& events) override {
    std::vector<CloudEvent> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(ToCloudEvent(e, kChoiceSource));
    return producer_->PublishAll(topic_, out);
  }

 private:
  EventProducer* producer_;
  std::string topic_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_
