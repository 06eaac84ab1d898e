#ifndef LOV_SERVICES_CHOICE_ADAPTERS_CHOICE_PROJECTIONS_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_CHOICE_PROJECTIONS_H_

// What the service does with each event it consumes from Kafka.

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
