#ifndef LOV_SERVICES_VISITS_ADAPTERS_STATE_PROJECTION_H_
#define LOV_SERVICES_VISITS_ADAPTERS_STATE_PROJECTION_H_

#include <string>
#include <vector>

#include "lov/platform/kafka.h"
#include "lov/platform/service_host.h"
#include "lov/visits/adapters/redis_visit_store.h"

namespace lov::visits {

// The topics the serving state is built from, by their names in this
// deployment: the own events and rejected reports, and the upstream facts
// (choice: assignments and decisions; registry: the municipality;
// settlement: locked months).
struct StateTopics {
  std::string own;
  std::string rejected;
  std::string choice;
  std::string registry;
  std::string settlement;

  // The topics' names with the deployment's namespace.
  static StateTopics In(const CommonSettings& common);

  std::vector<std::string> All() const {
    return {own, rejected, choice, registry, settlement};
  }
};

// The "state" projection's handler: each topic's events to the store.
EventHandler ApplyToState(RedisVisitStore* store, StateTopics topics);

// The same for a batch: the upstream events one by one, in the order given,
// then the batch's own events (of either own topic, in their order) in one
// store call (each event's offset recorded with it).
BatchEventHandler ApplyBatchToState(RedisVisitStore* store, StateTopics topics);

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_ADAPTERS_STATE_PROJECTION_H_
