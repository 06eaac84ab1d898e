#ifndef LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_

#include <string>

#include "lov/choice/ports.h"
#include "lov/platform/redis.h"

namespace lov::choice {

// The choice service's serving state in Redis, all under "<prefix>:"
// (default "lov:choice"):
//   registry:municipality     hash {version, data = Municipality}
//   registry:provider:<id>    hash {version, data = Provider}
//   registry:providers        set of provider ids
//   client:<id>               hash {version, data = Client, personnummer}
//   pnr:<hmac>                client id (from ClientRegistered)
//   policy                    hash {version, data = ChoicePolicy}
//   request:<request id>      "<fingerprint> <aggregate id>"
//   rotation:<zone>           hash {seq, provider}: the rotation's position
//   zone-health               hash {version, "<zone>|<category>" = ZoneHealth}
//   due-cases                 zset "<client>|<case>" scored by deadline day
//   provider-clients:<id>     set of client ids ever assigned to a provider
//   slots:<provider>:<zone>   zset of client ids holding a capacity slot,
//                             scored by the slot's last day (days since
//                             1970-01-01; open-ended = kOpenEnded)
//   lock:<aggregate id>       command lease
//   ready                     set once the state is built (see Projection)
// Everything but the plaintext personnummer is rebuilt from the topics.
class RedisChoiceStore : public ChoiceStore {
 public:
  explicit RedisChoiceStore(RedisClient* redis,
                            std::string prefix = "lov:choice")
      : redis_(redis), prefix_(std::move(prefix)) {}

  absl::StatusOr<std::optional<registry::v1::Municipality>> GetMunicipality()
      override;
  absl::StatusOr<std::optional<registry::v1::Provider>> GetProvider(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<registry::v1::Provider>> ListProviders() override;
  absl::Status ApplyRegistry(const registry::v1::RegistryEvent& event) override;

  absl::StatusOr<std::optional<v1::Client>> GetClient(
      const std::string& client_id) override;
  absl::StatusOr<std::optional<std::string>> FindClientByHmac(
      const std::string& personnummer_hmac) override;
  absl::Status RememberPersonnummer(const std::string& client_id,
                                    const std::string& personnummer) override;
  absl::StatusOr<std::optional<v1::ChoicePolicy>> GetPolicy() override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override;
  absl::StatusOr<RotationPointer> GetRotation(
      const std::string& zone_id) override;
  absl::StatusOr<std::map<std::string, v1::ZoneHealth>> GetPublishedZoneHealth(
      int64_t* version) override;
  absl::StatusOr<std::vector<DueCase>> DueCases(
      absl::CivilDay last_deadline) override;
  absl::StatusOr<std::vector<std::string>> ClientsOf(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<std::string>> SlotHolders(
      const std::string& provider_id, const std::string& zone_id,
      absl::CivilDay day) override;
  absl::StatusOr<std::map<std::string, Occupancy>> Occupied(
      const std::vector<std::string>& provider_ids, const std::string& zone_id,
      absl::CivilDay day) override;
  // The command path's update: an event whose client lacks an earlier
  // version waits (Unavailable) for the projection to apply that one.
  absl::Status Apply(const v1::ChoiceEvent& event) override;
  // The projection's update. It reads a client's events in log order (one
  // key, one partition), so an earlier version it has not applied was
  // dead-lettered: the event is applied over the gap, as a rebuild (which
  // skips dead-lettered events) would, instead of stalling the partition.
  absl::Status ApplyFromLog(const v1::ChoiceEvent& event);
  absl::StatusOr<Reservation> Reserve(const std::string& provider_id,
                                      const std::string& zone_id,
                                      const std::string& client_id,
                                      absl::CivilDay from, SlotLimits limits,
                                      int64_t minutes) override;
  absl::Status Release(const Reservation& reservation) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override;

  std::string ReadyKey() const { return prefix_ + ":ready"; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  std::string SlotsKey(const std::string& provider_id,
                       const std::string& zone_id) const {
    return Key("slots:" + provider_id + ":" + zone_id);
  }
  // Each slot holder's granted minutes a month with the provider in the zone.
  std::string SlotMinutesKey(const std::string& provider_id,
                             const std::string& zone_id) const {
    return Key("slot-minutes:" + provider_id + ":" + zone_id);
  }
  absl::Status Update(const v1::ChoiceEvent& event, bool from_log);
  absl::Status ApplyClientEvent(const v1::ChoiceEvent& event, bool from_log);

  RedisClient* redis_;
  std::string prefix_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_
