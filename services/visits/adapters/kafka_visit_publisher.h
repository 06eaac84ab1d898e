#ifndef LOV_SERVICES_VISITS_ADAPTERS_KAFKA_VISIT_PUBLISHER_H_
#define LOV_SERVICES_VISITS_ADAPTERS_KAFKA_VISIT_PUBLISHER_H_

#include <memory>
#include <string>

#include "lov/platform/kafka.h"
#include "lov/visits/ports.h"

namespace lov::visits {

inline constexpr char kVisitsSource[] = "/lov/visits";

// Sends a batch with PublishAsync and waits for every delivery report, so a
// batch costs one round trip and each event gets its own status. A
// rejection goes to `rejected_topic`, every other event to `topic`; a batch
// with both waits for the reports of both.
class KafkaVisitPublisher : public EventPublisher {
 public:
  KafkaVisitPublisher(EventProducer* producer, std::string topic,
                      std::string rejected_topic)
      : producer_(producer),
        topic_(std::move(topic)),
        rejected_topic_(std::move(rejected_topic)) {}
  std::vector<absl::Status> PublishBatch(
      const std::vector<v1::VisitEvent>& events) override;

 private:
  EventProducer* producer_;
  std::string topic_;
  std::string rejected_topic_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_ADAPTERS_KAFKA_VISIT_PUBLISHER_H_
