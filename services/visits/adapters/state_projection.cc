#include "lov/visits/adapters/state_projection.h"

#include "lov/platform/event_envelope.h"
#include "lov/platform/topics.h"

namespace lov::visits {
namespace {

// The event of `ce`, parsed as an Event, to `apply`.
template <typename Event, typename Apply>
absl::Status Parsed(const CloudEvent& ce, Apply apply) {
  Event event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  return apply(event);
}

}  // namespace

StateTopics StateTopics::In(const CommonSettings& common) {
  return {common.Topic(topics::kVisitsEvents),
          common.Topic(topics::kChoiceEvents),
          common.Topic(topics::kRegistryEvents),
          common.Topic(topics::kSettlementEvents)};
}

EventHandler ApplyToState(RedisVisitStore* store, StateTopics topics) {
  return [store, topics = std::move(topics)](const CloudEvent& ce) {
    if (ce.topic == topics.own) {
      return Parsed<v1::VisitEvent>(ce, [&](const v1::VisitEvent& e) {
        // With its offset: how far the projection has read the own topic.
        return store->ApplyOwn({{&e, ce.partition, ce.offset}});
      });
    }
    if (ce.topic == topics.choice) {
      return Parsed<choice::v1::ChoiceEvent>(
          ce, [&](const auto& e) { return store->ApplyChoice(e); });
    }
    if (ce.topic == topics.registry) {
      return Parsed<registry::v1::RegistryEvent>(
          ce, [&](const auto& e) { return store->ApplyRegistry(e); });
    }
    return Parsed<settlement::v1::SettlementEvent>(
        ce, [&](const auto& e) { return store->ApplySettlement(e); });
  };
}

}  // namespace lov::visits
