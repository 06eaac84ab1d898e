#ifndef LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_SETTLEMENT_PUBLISHER_H_
#define LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_SETTLEMENT_PUBLISHER_H_

#include <string>
#include <vector>

#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/settlement/ports.h"

namespace lov::settlement {

// The CloudEvents source of settlement's events.
inline constexpr char kSettlementSource[] = "/lov/settlement";

// Publishes on the settlement topic (lov::topics::kSettlementEvents, under
// the deployment's namespace), a batch at a time.
class KafkaSettlementPublisher : public EventPublisher {
 public:
  KafkaSettlementPublisher(EventProducer* producer, std::string topic)
      : producer_(producer), topic_(std::move(topic)) {}
  absl::Status Publish(
      const std::vector<v1::SettlementEvent>& events) override {
    std::vector<CloudEvent> out;
    out.reserve(events.size());
    for (const auto& e : events)
      out.push_back(ToCloudEvent(e, kSettlementSource));
    return producer_->PublishAll(topic_, out);
  }

 private:
  EventProducer* producer_;
  std::string topic_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_SETTLEMENT_PUBLISHER_H_
