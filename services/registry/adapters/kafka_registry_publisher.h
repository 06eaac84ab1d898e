#ifndef LOV_SERVICES_REGISTRY_ADAPTERS_KAFKA_REGISTRY_PUBLISHER_H_
#define LOV_SERVICES_REGISTRY_ADAPTERS_KAFKA_REGISTRY_PUBLISHER_H_

#include <string>

#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"
#include "lov/registry/ports.h"

namespace lov::registry {

inline constexpr char kRegistrySource[] = "/lov/registry";

class KafkaRegistryPublisher : public EventPublisher {
 public:
  KafkaRegistryPublisher(EventProducer* producer,
                         std::string topic = topics::kRegistryEvents)
      : producer_(producer), topic_(std::move(topic)) {}
  absl::Status Publish(const v1::RegistryEvent& event) override {
    return producer_->Publish(topic_, ToCloudEvent(event, kRegistrySource));
  }

 private:
  EventProducer* producer_;
  std::string topic_;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_ADAPTERS_KAFKA_REGISTRY_PUBLISHER_H_
