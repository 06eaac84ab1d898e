#ifndef LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "lov/choice/adapters/redis_neutrality_store.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/choice/ports.h"
#include "lov/platform/projection.h"
#include "lov/platform/redis.h"

namespace lov::choice {

// The choice service's serving state in Redis, all under "<prefix>:"
// (default "lov:choice"):
//   registry:municipality     hash {version, data = Municipality}
//   registry:provider:<id>    hash {version, data = Provider}
//   registry:providers        set of provider ids
//   client:<id>               hash {version, data = Client,
//                             personnummer_sealed (from ClientRegistered),
//                             personnummer (decrypted, for display)}
//   data-key:<client id>      ClientDataKeyIssued (wrapped; key topic)
//   pnr:<hmac>                client id (from ClientRegistered)
//   policy                    hash {version, data = ChoicePolicy}
//   request:<request id>      "<fingerprint> <aggregate id>"
//   rotation:<zone>           hash {seq, provider}: the rotation's position
//   zone-health               hash {version, "<zone>|<category>" = ZoneHealth}
//   due-cases                 zset "<client>|<case>" scored by deadline day
//   provider-clients:<id>     set of client ids ever assigned to a provider
//   slots:<provider>:<zone>   zset of client ids holding a capacity slot,
//                             pending or settled, scored by the slot's last
//                             day (days since 1970-01-01; open-ended =
//                             kOpenEnded)
//   slot-minutes:<provider>:<zone>  hash client id -> granted minutes a month
//   reservation:<provider>:<zone>:<client>  a pending slot: hash {owner,
//                             request, expires (Unix ms), token, client,
//                             provider, zone, score and minutes before ('' =
//                             none)}; gone once an event of the client
//                             settles that slot, or when given back
//   reservations              zset of those keys scored by expiry
//   indicators:<provider>     hash {all, zone:<zone> = ProviderIndicators
//                             (the follow-up topic's latest rows), and
//                             as_of:all, as_of:zone:<zone> = their days}
//   lock:<aggregate id>       command lease
//   neutrality:...            the neutrality audit (redis_neutrality_store.h)
//   ready                     set once the state is built (see Projection)
// Everything is rebuilt from the topics, the personnummer too (decrypted
// with `vault` from the key topic's data key), unless its key was shredded.
class RedisChoiceStore : public ChoiceStore {
 public:
  // With `collect`, the projection's writes are added there instead of
  // being made, and FinishBatch sends them (the state projection's batches,
  // choice_projections.h); reads still go to Redis, a client's state
  // written earlier in the batch is taken from the batch.
  RedisChoiceStore(RedisClient* redis, std::string prefix,
                   const PersonnummerVault* vault,
                   RedisWriteBatch* collect = nullptr)
      : redis_(redis),
        prefix_(std::move(prefix)),
        vault_(vault),
        collect_(collect) {}

  absl::StatusOr<std::optional<registry::v1::Municipality>> GetMunicipality()
      override;
  absl::StatusOr<std::optional<registry::v1::Provider>> GetProvider(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<registry::v1::Provider>> ListProviders() override;
  absl::Status ApplyRegistry(const registry::v1::RegistryEvent& event) override;

  absl::StatusOr<std::optional<v1::Client>> GetClient(
      const std::string& client_id) override;
  absl::StatusOr<std::vector<std::optional<v1::Client>>> GetClients(
      const std::vector<std::string>& client_ids) override;
  absl::StatusOr<std::optional<std::string>> FindClientByHmac(
      const std::string& personnummer_hmac) override;
  absl::Status ApplyDataKey(const v1::ChoiceKeyEvent& event) override;
  // Crypto-shredding reached the serving state (a tombstone on the key
  // topic): the client's data key and decrypted personnummer are deleted.
  absl::Status ForgetDataKey(const std::string& client_id);
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
      absl::CivilDay day, const std::string& except_client_id) override;
  // The command path's update: an event whose client lacks an earlier
  // version waits (Unavailable) for the projection to apply that one.
  absl::Status Apply(const v1::ChoiceEvent& event) override;
  // The projection's update. It reads a client's events in log order (one
  // key, one partition), so an earlier version it has not applied was
  // dead-lettered: the event is applied over the gap, as a rebuild (which
  // skips dead-lettered events) would, instead of stalling the partition.
  absl::Status ApplyFromLog(const v1::ChoiceEvent& event);
  // (redis_choice_reservations.cc)
  absl::StatusOr<Reservation> Reserve(const std::string& provider_id,
                                      const std::string& zone_id,
                                      const std::string& client_id,
                                      absl::CivilDay from, SlotLimits limits,
                                      int64_t minutes,
                                      const ReservationTag& tag) override;
  absl::StatusOr<bool> Release(const Reservation& reservation) override;
  absl::StatusOr<std::vector<PendingReservation>> ExpiredReservations(
      absl::Time now) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override;
  // (redis_choice_indicators.cc)
  absl::Status ApplyIndicators(
      const followup::v1::ProviderIndicators& indicators) override;
  absl::StatusOr<std::vector<IndicatorRows>> GetIndicators(
      const std::vector<std::string>& provider_ids,
      const std::string& zone_id) override;

  // (redis_choice_batch.cc; with `collect` only) Reads the clients not read
  // yet in this batch in one pipeline.
  absl::Status PrefetchClients(const std::vector<std::string>& client_ids);
  // Sends the writes collected, then decrypts the personnummer of every
  // client whose number or key came in the batch. Aborted if a client's
  // stored version changed meanwhile (the command path wrote it): the
  // batch is then applied one event at a time.
  absl::Status FinishBatch();

  std::string ReadyKey() const { return prefix_ + ":ready"; }
  const std::string& prefix() const { return prefix_; }
  RedisClient* redis() const { return redis_; }
  // The neutrality audit's state (redis_neutrality_store.h), kept by
  // ApplyFromLog from the same events.
  NeutralityStore* neutrality() { return &neutrality_; }

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
  std::string PendingKey(const std::string& provider_id,
                         const std::string& zone_id,
                         const std::string& client_id) const {
    return Key("reservation:" + provider_id + ":" + zone_id + ":" + client_id);
  }
  std::string PendingIndexKey() const { return Key("reservations"); }
  std::string IndicatorsKey(const std::string& provider_id) const {
    return Key("indicators:" + provider_id);
  }
  // The keys the capacity scripts touch, in their order.
  std::vector<std::string> ReservationKeys(const std::string& provider_id,
                                           const std::string& zone_id,
                                           const std::string& client_id) const;
  struct StoredClient {
    int64_t version = 0;  // 0: none stored
    v1::Client client;
  };
  static absl::StatusOr<StoredClient> ParseClient(const std::string& client_id,
                                                  const RedisReply& hmget);
  // The client's stored version and record (in a batch: as the batch left
  // it).
  absl::StatusOr<StoredClient> ReadClient(const std::string& client_id);
  // In a batch: the client event's write, and the client as it leaves it.
  void Collect(const v1::ChoiceEvent& event,
               const std::vector<std::string>& keys,
               const std::vector<std::string>& args, v1::Client client);
  // One kApplyScript call, made now or collected.
  absl::Status Write(const std::vector<std::string>& keys,
                     const std::vector<std::string>& args);
  absl::Status Update(const v1::ChoiceEvent& event, bool from_log);
  absl::Status ApplyClientEvent(const v1::ChoiceEvent& event, bool from_log);
  // Decrypts the client's personnummer once its sealed number and its data
  // key are both stored. Each side writes its part first and then calls
  // this, so whichever comes second decrypts. A number that does not
  // decrypt is logged and left out: the client's state still applies.
  absl::Status RevealPersonnummer(const std::string& client_id);

  RedisClient* redis_;
  std::string prefix_;
  const PersonnummerVault* vault_;
  RedisWriteBatch* collect_ = nullptr;
  // In a batch: the clients read or written, and those to decrypt at the end.
  std::map<std::string, StoredClient> batch_clients_;
  std::vector<std::string> batch_reveals_;
  RedisNeutralityStore neutrality_{redis_, prefix_, collect_};
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_REDIS_CHOICE_STORE_H_
