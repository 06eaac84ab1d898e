#ifndef LOV_SERVICES_REGISTRY_ADAPTERS_REDIS_REGISTRY_STORE_H_
#define LOV_SERVICES_REGISTRY_ADAPTERS_REDIS_REGISTRY_STORE_H_

#include <string>

#include "lov/platform/projection.h"
#include "lov/platform/redis.h"
#include "lov/registry/ports.h"

namespace lov::registry {

// The registry's serving state in Redis, all under "<prefix>:" (default
// "lov:registry"):
//   municipality            hash {version, data = Municipality}
//   provider:<id>           hash {version, data = Provider}
//   providers               set of provider ids
//   history:<id>            list of HistoryEntry
//   request:<request id>    "<fingerprint> <aggregate id>"
//   lock:<aggregate id>     command lease
//   ready                   set once the state is built (see Projection)
class RedisRegistryStore : public RegistryStore {
 public:
  // With `collect`, Apply adds its write there instead of making it (the
  // state projection's batches, see state_projection.h); reads still go to
  // Redis.
  explicit RedisRegistryStore(RedisClient* redis,
                              std::string prefix = "lov:registry",
                              RedisWriteBatch* collect = nullptr)
      : redis_(redis), prefix_(std::move(prefix)), collect_(collect) {}

  absl::StatusOr<std::optional<v1::Municipality>> GetMunicipality() override;
  absl::StatusOr<std::optional<v1::Provider>> GetProvider(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<v1::Provider>> ListProviders() override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override;
  absl::StatusOr<std::vector<v1::HistoryEntry>> History(
      const std::string& provider_id) override;
  absl::Status Apply(const v1::RegistryEvent& event) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override;

  std::string ReadyKey() const { return prefix_ + ":ready"; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  RedisClient* redis_;
  std::string prefix_;
  RedisWriteBatch* collect_ = nullptr;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_ADAPTERS_REDIS_REGISTRY_STORE_H_
