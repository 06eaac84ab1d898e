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
          common.Topic(topics::kVisitsRejected),
          common.Topic(topics::kChoiceEvents),
          common.Topic(topics::kRegistryEvents),
          common.Topic(topics::kSettlementEvents)};
}

EventHandler ApplyToState(RedisVisitStore* store, StateTopics topics) {
  return [store, topics = std::move(topics)](const CloudEvent& ce) {
    if (ce.topic == topics.own || ce.topic == topics.rejected) {
      const OwnTopic topic =
          ce.topic == topics.own ? OwnTopic::kEvents : OwnTopic::kRejected;
      return Parsed<v1::VisitEvent>(ce, [&](const v1::VisitEvent& e) {
        // With its offset: how far the projection has read the topic.
        return store->ApplyOwn({{&e, ce.partition, ce.offset, topic}});
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

BatchEventHandler ApplyBatchToState(RedisVisitStore* store,
                                    StateTopics topics) {
  EventHandler one = ApplyToState(store, topics);
  return [store, one = std::move(one), own = topics.own,
          rejected = topics.rejected](
             const std::vector<CloudEvent>& events) -> absl::Status {
    // Parsed up front: the applied entries point into it.
    std::vector<v1::VisitEvent> parsed(events.size());
    std::vector<VisitStore::Applied> run;
    auto flush = [&] {
      absl::Status s = store->ApplyOwn(run);
      run.clear();
      return s;
    };
    // The own events are recorded from their own data only (nothing an
    // upstream event writes is read for them), and Kafka orders nothing
    // across topics: so the upstream events go first, one by one, and the
    // own events of the whole batch after them in one run, in their order,
    // instead of runs cut short wherever the replay interleaved the topics.
    for (size_t i = 0; i < events.size(); ++i) {
      const CloudEvent& ce = events[i];
      if (ce.topic != own && ce.topic != rejected) {
        if (absl::Status s = one(ce); !s.ok()) return s;
        continue;
      }
      if (absl::Status s = FromCloudEvent(ce, &parsed[i]); !s.ok()) return s;
      run.push_back(
          {&parsed[i], ce.partition, ce.offset,
           ce.topic == own ? OwnTopic::kEvents : OwnTopic::kRejected});
    }
    return flush();
  };
}

}  // namespace lov::visits
