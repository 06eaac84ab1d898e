#ifndef LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_OWN_EVENTS_H_
#define LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_OWN_EVENTS_H_

#include <string>

#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/settlement/ports.h"

namespace lov::settlement {

// Reads the settlement topic from the beginning to its current end (no
// consumer group, nothing committed). Events are keyed by aggregate id, so
// one aggregate's events come in the order they were published.
class KafkaOwnEvents : public OwnEvents {
 public:
  KafkaOwnEvents(KafkaSettings settings, std::string topic)
      : settings_(std::move(settings)), topic_(std::move(topic)) {}

  absl::Status Read(
      const std::string& aggregate_id,
      const std::function<absl::Status(const v1::SettlementEvent&)>& handle)
      override {
    return ReplayTopics(settings_, {topic_}, [&](const CloudEvent& ce) {
      if (ce.key != aggregate_id) return absl::OkStatus();
      v1::SettlementEvent e;
      if (absl::Status s = FromCloudEvent(ce, &e); !s.ok()) return s;
      return handle(e);
    });
  }

 private:
  KafkaSettings settings_;
  std::string topic_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_ADAPTERS_KAFKA_OWN_EVENTS_H_
