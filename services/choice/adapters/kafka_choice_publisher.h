#ifndef LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_

#include <map>
#include <string>
#include <vector>

#include "lov/choice/ports.h"
#include "lov/platform/early_audit.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/platform/service_host.h"
#include "lov/platform/topics.h"

namespace lov::choice {

inline constexpr char kChoiceSource[] = "/lov/choice";

// The clients' data keys (ChoiceKeyEvent), keyed by client id; choice's
// alone. Compacted, so that a tombstone deletes a key from the log for good
// (crypto-shredding, docs/security.md).
inline constexpr char kChoiceKeysTopic[] = "lov.choice.keys.v1";
// The ce_type of a key (EventTypeOf a ChoiceKeyEvent), and of a tombstone
// (its value is null).
inline constexpr char kDataKeyIssuedType[] =
    "se.lov.choice.v1.ClientDataKeyIssued";
inline constexpr char kDataKeyShreddedType[] =
    "se.lov.choice.v1.ClientDataKeyShredded";

// Compaction within a week at the latest (the active segment is rolled
// for it too), and tombstones kept a day for consumers to see them.
inline std::map<std::string, std::string> KeyTopicConfig() {
  return {{"cleanup.policy", "compact"},
          {"max.compaction.lag.ms", "604800000"},
          {"delete.retention.ms", "86400000"}};
}

// Creates the key topic if missing: compacted, unlike the event topics
// ServiceMain creates.
inline absl::Status EnsureKeyTopic(const CommonSettings& settings,
                                   const std::string& topic) {
  return EnsureTopics(settings.kafka(),
                      {{topic, settings.topic_partitions,
                        settings.topic_replication, KeyTopicConfig()}});
}

class KafkaChoicePublisher : public EventPublisher {
 public:
  KafkaChoicePublisher(EventProducer* producer, std::string topic,
                       std::string keys_topic)
      : producer_(producer),
        topic_(std::move(topic)),
        keys_topic_(std::move(keys_topic)) {}
  absl::Status Publish(const std::vector<v1::ChoiceEvent>& events) override {
    std::vector<CloudEvent> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(ToCloudEvent(e, kChoiceSource));
    // The call's audit record goes out with the events: one acknowledged
    // round trip before the answer instead of two (EarlyAudit).
    StartCallAuditNow();
    return producer_->PublishAll(topic_, out);
  }
  absl::Status PublishKey(const v1::ChoiceKeyEvent& event) override {
    return producer_->Publish(keys_topic_, ToCloudEvent(event, kChoiceSource));
  }

 private:
  EventProducer* producer_;
  std::string topic_;
  std::string keys_topic_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_KAFKA_CHOICE_PUBLISHER_H_
