#ifndef LOV_SERVICES_REGISTRY_ADAPTERS_STATE_PROJECTION_H_
#define LOV_SERVICES_REGISTRY_ADAPTERS_STATE_PROJECTION_H_

// The registry's serving state from its topic: each event one by one
// (StateProjection), or a batch of them in one Redis pipeline
// (StateBatchProjection), which leaves the same state: every event is one
// script call that checks the aggregate's version itself, sent in the
// order read.

#include <memory>

#include "lov/platform/event_envelope.h"
#include "lov/platform/projection.h"
#include "lov/registry/adapters/redis_registry_store.h"

namespace lov::registry {

inline EventHandler StateProjection(RedisRegistryStore* store) {
  return [store](const CloudEvent& ce) {
    v1::RegistryEvent event;
    if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
    return store->Apply(event);
  };
}

// Any event that does not decode or apply fails the batch: the consumer
// then hands the events one by one to StateProjection, which decides each.
inline BatchEventHandler StateBatchProjection(RedisClient* redis,
                                              const std::string& prefix) {
  struct Parts {
    RedisWriteBatch writes;
    std::unique_ptr<RedisRegistryStore> store;
  };
  auto parts = std::make_shared<Parts>();
  parts->store =
      std::make_unique<RedisRegistryStore>(redis, prefix, &parts->writes);
  return [parts, redis](const std::vector<CloudEvent>& events) {
    parts->writes.Clear();
    for (const CloudEvent& ce : events) {
      v1::RegistryEvent event;
      absl::Status s = FromCloudEvent(ce, &event);
      if (s.ok()) s = parts->store->Apply(event);
      if (!s.ok()) return s;
    }
    return parts->writes.Run(redis).status();
  };
}

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_ADAPTERS_STATE_PROJECTION_H_
