#ifndef LOV_SERVICES_CHOICE_ADAPTERS_CHOICE_PROJECTIONS_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_CHOICE_PROJECTIONS_H_

// What the service does with each event it consumes from Kafka.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/choice_app.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/projection.h"
#include "lov/platform/text.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/events.pb.h"

namespace lov::choice {

// The CloudEvents type of the only follow-up event the choice service keeps.
inline constexpr char kIndicatorsPublishedType[] =
    "se.lov.followup.v1.ProviderIndicatorsPublished";

// The follow-up topic: a provider's published indicators are kept (the
// latest per provider and per provider and zone); every other follow-up
// event (complaints, deviations, follow-ups: about clients) is passed over
// unread and nothing of it is stored.
inline absl::Status ApplyFollowup(RedisChoiceStore* store,
                                  const CloudEvent& ce) {
  if (ce.type != kIndicatorsPublishedType) return absl::OkStatus();
  followup::v1::FollowupEvent event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  if (!event.has_provider_indicators_published()) {
    return absl::InvalidArgumentError(
        "a ProviderIndicatorsPublished event without that payload");
  }
  return store->ApplyIndicators(
      event.provider_indicators_published().indicators());
}

// The topics the serving state is built from: the registry's, the
// service's own (`own`, `keys`) and the follow-up service's.
inline std::vector<std::string> StateTopics(const CommonSettings& settings,
                                            const std::string& own,
                                            const std::string& keys) {
  return {settings.Topic(topics::kRegistryEvents), own, keys,
          settings.Topic(topics::kFollowupEvents)};
}

// The serving state: the registry's records, the choice events, the
// clients' data keys and the providers' indicators, rebuilt from the four
// topics if it was wiped (a
// personnummer is decrypted once both its ClientRegistered and its key are
// in, in either order). An event is told by its CloudEvents type; a
// tombstone on the key topic (crypto-shredding) by kDataKeyShreddedType.
inline EventHandler StateProjection(RedisChoiceStore* store) {
  return [store](const CloudEvent& ce) -> absl::Status {
    if (absl::StartsWith(AsAbsl(ce.type), "se.lov.followup.")) {
      return ApplyFollowup(store, ce);
    }
    if (absl::StartsWith(AsAbsl(ce.type), "se.lov.registry.")) {
      registry::v1::RegistryEvent event;
      if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
      return store->ApplyRegistry(event);
    }
    if (ce.type == kDataKeyShreddedType) {
      if (ce.key.empty()) {
        return absl::InvalidArgumentError("a shredding without a client id");
      }
      return store->ForgetDataKey(ce.key);
    }
    if (ce.type == kDataKeyIssuedType) {
      v1::ChoiceKeyEvent event;
      if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
      return store->ApplyDataKey(event);
    }
    v1::ChoiceEvent event;
    if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
    return store->ApplyFromLog(event);
  };
}

// StateProjection for a batch of events, leaving the same state: runs of
// events are applied to a store of its own that collects the writes
// (RedisChoiceStore's `collect`), each run's clients read in one pipeline
// and its writes sent in one; indicators (`one`: StateProjection on the
// serving store) one by one between runs. A client's personnummer is
// decrypted at the end of the run, after the writes; a run ends before a
// second registration or data key event of the same client, so every
// decryption sees what it would have seen right after its event. Any
// event that does not decode or apply fails the batch: the consumer then
// hands the events one by one to `one`, which decides each.
inline BatchEventHandler StateBatchProjection(RedisChoiceStore* serving,
                                              const PersonnummerVault* vault) {
  struct Parts {
    RedisWriteBatch writes;
    std::unique_ptr<RedisChoiceStore> store;
  };
  auto parts = std::make_shared<Parts>();
  parts->store = std::make_unique<RedisChoiceStore>(
      serving->redis(), serving->prefix(), vault, &parts->writes);
  EventHandler one = StateProjection(serving);
  return [parts, one](const std::vector<CloudEvent>& events) -> absl::Status {
    RedisChoiceStore* store = parts->store.get();
    parts->writes.Clear();
    std::vector<const CloudEvent*> run;
    std::vector<v1::ChoiceEvent> choices;  // the run's choice events
    std::set<std::string> revealed;        // clients whose number or key came
    auto flush = [&]() -> absl::Status {
      std::vector<std::string> clients;
      for (const v1::ChoiceEvent& e : choices) {
        if (!e.has_policy_configured() && !e.has_zone_health() &&
            !e.has_eligible_list_shown()) {
          clients.push_back(e.aggregate_id());
        }
      }
      absl::Status s = store->PrefetchClients(clients);
      size_t next_choice = 0;
      for (const CloudEvent* ce : run) {
        if (!s.ok()) break;
        if (absl::StartsWith(AsAbsl(ce->type), "se.lov.registry.") ||
            ce->type == kDataKeyShreddedType ||
            ce->type == kDataKeyIssuedType) {
          s = StateProjection(store)(*ce);
        } else {
          s = store->ApplyFromLog(choices[next_choice++]);
        }
      }
      if (s.ok()) s = store->FinishBatch();
      run.clear();
      choices.clear();
      revealed.clear();
      return s;
    };
    for (const CloudEvent& ce : events) {
      if (absl::StartsWith(AsAbsl(ce.type), "se.lov.followup.")) {
        if (ce.type != kIndicatorsPublishedType) continue;  // kept nowhere
        if (absl::Status s = flush(); !s.ok()) return s;
        if (absl::Status s = one(ce); !s.ok()) return s;
        continue;
      }
      std::string reveals;  // the client whose number or key this carries
      if (ce.type == kDataKeyShreddedType || ce.type == kDataKeyIssuedType) {
        reveals = ce.key.empty() ? "?" : ce.key;
      } else if (!absl::StartsWith(AsAbsl(ce.type), "se.lov.registry.")) {
        v1::ChoiceEvent event;
        if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
        if (event.has_client_registered()) reveals = event.aggregate_id();
        choices.push_back(std::move(event));
      }
      if (!reveals.empty() && !revealed.insert(reveals).second) {
        // Flushes what came before this event (its choice event, if any,
        // was added above and goes into the next run).
        std::optional<v1::ChoiceEvent> carried;
        if (ce.type != kDataKeyShreddedType && ce.type != kDataKeyIssuedType) {
          carried = std::move(choices.back());
          choices.pop_back();
        }
        if (absl::Status s = flush(); !s.ok()) return s;
        if (carried.has_value()) choices.push_back(*std::move(carried));
        revealed.insert(reveals);
      }
      run.push_back(&ce);
    }
    return flush();
  };
}

// Reactions to the registry (notices, terminations, zone health): a
// consumer group of its own that is never replayed, since what it did is
// already in the choice topic.
inline EventHandler RegistryReactions(ChoiceApp* app) {
  return [app](const CloudEvent& ce) -> absl::Status {
    registry::v1::RegistryEvent event;
    if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
    return app->OnRegistryEvent(event);
  };
}

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_CHOICE_PROJECTIONS_H_
