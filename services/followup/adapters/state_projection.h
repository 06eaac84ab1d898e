#ifndef LOV_SERVICES_FOLLOWUP_ADAPTERS_STATE_PROJECTION_H_
#define LOV_SERVICES_FOLLOWUP_ADAPTERS_STATE_PROJECTION_H_

// The follow-up service's serving state from its topics (its own, the
// visits', the choice's and the registry's): each event one by one
// (StateProjection), or a batch of them in one Redis pipeline
// (StateBatchProjection), which leaves the same state: every write is one
// script call that checks its aggregate's version itself, sent in the order
// read.

#include <memory>
#include <string>

#include "lov/followup/adapters/redis_followup_store.h"
#include "lov/followup/app/followup_app.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/projection.h"

namespace lov::followup {

struct StateTopicNames {
  std::string visits;    // the visits service's topic
  std::string choice;    // the choice service's topic
  std::string registry;  // the registry's topic (sanctions naming findings)
};

// One event: a visit, an assignment or a sanction through the app's
// reactions, a follow-up event into the store.
inline absl::Status ApplyState(FollowupApp* app, RedisFollowupStore* store,
                               const StateTopicNames& topics,
                               const CloudEvent& ce) {
  if (ce.topic == topics.visits) return app->RecordVisit(ce);
  if (ce.topic == topics.choice) return app->RecordAssignment(ce);
  if (ce.topic == topics.registry) return app->RecordSanction(ce);
  v1::FollowupEvent event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  return store->Apply(event);
}

inline EventHandler StateProjection(FollowupApp* app, RedisFollowupStore* store,
                                    StateTopicNames topics) {
  return [app, store, topics](const CloudEvent& ce) {
    return ApplyState(app, store, topics, ce);
  };
}

// The same reactions on an app of its own whose store collects the writes
// (`publisher` and `clock` are never used by them). Any event that does not
// decode or apply fails the batch: the consumer then hands the events one
// by one to StateProjection, which decides each.
inline BatchEventHandler StateBatchProjection(RedisClient* redis,
                                              const std::string& prefix,
                                              EventPublisher* publisher,
                                              const Clock* clock,
                                              StateTopicNames topics) {
  struct Parts {
    RedisWriteBatch writes;
    std::unique_ptr<RedisFollowupStore> store;
    std::unique_ptr<FollowupApp> app;
  };
  auto parts = std::make_shared<Parts>();
  parts->store =
      std::make_unique<RedisFollowupStore>(redis, prefix, &parts->writes);
  RedisFollowupStore* store = parts->store.get();
  parts->app = std::make_unique<FollowupApp>(store, store, publisher, clock,
                                             store, store);
  return [parts, redis, topics](const std::vector<CloudEvent>& events) {
    parts->writes.Clear();
    for (const CloudEvent& ce : events) {
      absl::Status s =
          ApplyState(parts->app.get(), parts->store.get(), topics, ce);
      if (!s.ok()) return s;
    }
    return parts->writes.Run(redis).status();
  };
}

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_ADAPTERS_STATE_PROJECTION_H_
