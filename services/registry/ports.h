#ifndef LOV_SERVICES_REGISTRY_PORTS_H_
#define LOV_SERVICES_REGISTRY_PORTS_H_

// The small interfaces the registry's application layer needs; adapters/
// implements them on Redis and Kafka, tests on memory.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/platform/requests.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

using ::lov::RequestRecord;

using ::lov::AggregateLock;

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;
  virtual absl::StatusOr<std::optional<v1::Municipality>> GetMunicipality() = 0;
  virtual absl::StatusOr<std::optional<v1::Provider>> GetProvider(
      const std::string& provider_id) = 0;
  virtual absl::StatusOr<std::vector<v1::Provider>> ListProviders() = 0;
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<v1::HistoryEntry>> History(
      const std::string& provider_id) = 0;
  // Applies one event; idempotent: an event whose aggregate version is not
  // newer than the stored one changes nothing.
  virtual absl::Status Apply(const v1::RegistryEvent& event) = 0;
  // Serialises commands on one aggregate, across replicas.
  virtual absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) = 0;
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once the event is durably in Kafka.
  virtual absl::Status Publish(const v1::RegistryEvent& event) = 0;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_PORTS_H_
