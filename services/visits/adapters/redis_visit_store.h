#ifndef LOV_SERVICES_VISITS_ADAPTERS_REDIS_VISIT_STORE_H_
#define LOV_SERVICES_VISITS_ADAPTERS_REDIS_VISIT_STORE_H_

#include <atomic>
#include <set>
#include <string>

#include "lov/choice/v1/events.pb.h"
#include "lov/platform/redis.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/adapters/own_records_in_flight.h"
#include "lov/visits/ports.h"

namespace lov::visits {

// The visits service's serving state in Redis, all under "<prefix>:"
// (default "lov:visits"). Everything but the pending reservations and the
// instance heartbeats is rebuilt from the topics.
//   visit:<visit id>        hash {state pending|done, owner, fp, idx,
//                           version, outcome, current, voided}
//   history:<visit id>      list of VisitEvent (the audit trail)
//   pending                 set of visit ids reserved but not yet recorded
//   slot:staff:<staff>      zset score start ms, member "<end ms>|<visit id>"
//   slot:client:<c>|<p>     zset, the same per client and provider
//   performed:<client>:<YYYY-MM>  hash "<provider>|<category>|c|s|n" minutes
//   pclients:<provider>:<YYYY-MM> set of clients;  clients:<YYYY-MM> set
//   rejections:<provider>:<YYYY-MM> zset score rejected at ms, member
//                           VisitRejected; trimmed, and expiring, after the
//                           retention period (as do a rejected visit's
//                           visit: and history: keys)
//   rejected-index:<provider>  zset score rejected at ms, member
//                           "<rejections key>\n<visit key>\n<history key>":
//                           the provider's kept rejections, at most
//                           --rejected-max-per-provider; the oldest beyond
//                           it are evicted with their keys
//   exceptions:<provider>   zset score start ms, member visit id
//   request:<request id>    fingerprint of a correction or void
//   assign:<client>         hash assignment id -> choice Assignment
//   decisions:<client>      hash decision id -> choice Decision
//   decision_clients        set;  municipality  hash {version, data}
//   locked:<provider>       set of periods locked by settlement
//   applied                 hash partition -> next offset of the own topic
//   applied-rejected        the same for the rejected reports' topic
//   offsets:state           the projection's offsets (ProjectionOffsetsKey)
//   instance:<id>           heartbeat of a running instance
//   lock:<visit id>         command lease;  ready  set once built
class RedisVisitStore : public VisitStore {
 public:
  // `own_topic`, `rejected_topic`: the visits topic and the rejected
  // reports' topic as the projection names them in the offsets it keeps
  // with the state (see lov::Projection).
  // `rejected_retention`: how long a rejected report is kept, from its
  // rejection (--rejected-retention-days); `rejected_cap`: how many of a
  // provider's rejections are kept at most, the newest
  // (--rejected-max-per-provider). `replay_plain`: whether the rebuild
  // records batches of visits new to Redis without the record script
  // (ReplayFresh; --replay-plain).
  explicit RedisVisitStore(
      RedisClient* redis, std::string prefix = "lov:visits",
      std::string own_topic = "",
      absl::Duration rejected_retention = kDefaultRejectedRetention,
      int64_t rejected_cap = kDefaultRejectedPerProvider,
      std::string rejected_topic = "", bool replay_plain = true)
      : redis_(redis),
        prefix_(std::move(prefix)),
        own_topic_(std::move(own_topic)),
        rejected_topic_(std::move(rejected_topic)),
        rejected_retention_(rejected_retention),
        rejected_cap_(rejected_cap),
        replay_plain_(replay_plain) {}

  absl::StatusOr<std::vector<VerificationContext>> LoadContexts(
      const std::vector<ContextKey>& keys) override;
  absl::StatusOr<std::vector<ReserveResult>> Reserve(
      const std::vector<Reservation>& reservations, const std::string& owner,
      absl::Duration max_length) override;
  absl::StatusOr<std::optional<std::pair<int, std::string>>> FindConflict(
      const Reservation& probe, const std::string& except_visit_id,
      absl::Duration max_length) override;
  absl::Status ApplyOwn(const std::vector<Applied>& events) override;
  absl::StatusOr<std::optional<VisitRecord>> GetVisit(
      const std::string& visit_id) override;
  absl::StatusOr<std::vector<v1::VisitEvent>> History(
      const std::string& visit_id) override;
  absl::StatusOr<std::vector<std::vector<v1::VisitEvent>>> Histories(
      const std::vector<std::string>& visit_ids) override;
  absl::StatusOr<bool> ReleasePending(const std::string& visit_id,
                                      const std::string& owner) override;
  absl::Status MarkOwnerLost(const std::vector<std::string>& visit_ids,
                             const std::string& owner) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  PendingWithOwners() override;
  absl::StatusOr<bool> OwnerAlive(const std::string& owner) override;
  absl::Status Heartbeat(const std::string& owner, absl::Duration ttl) override;
  absl::StatusOr<std::map<int32_t, int64_t>> AppliedOffsets(
      OwnTopic topic) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& visit_id) override;
  absl::StatusOr<std::optional<std::string>> RequestFingerprint(
      const std::string& request_id) override;
  absl::StatusOr<std::vector<v1::VisitRejected>> ListRejected(
      const std::string& provider_id, const std::string& period) override;
  absl::StatusOr<std::vector<ExceptionRef>> ExceptionVisits(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<ClientMonth>> ClientMonths(
      const std::vector<std::string>& client_ids,
      const std::string& period) override;
  absl::StatusOr<std::vector<std::string>> ClientsOfProvider(
      const std::string& provider_id, const std::string& period) override;
  absl::StatusOr<std::vector<std::string>> ClientsOfPeriod(
      const std::string& period) override;

  // The upstream views: choice (assignments, decisions), registry
  // (municipality categories and hours), settlement (locked periods).
  // Idempotent; other payloads are ignored.
  absl::Status ApplyChoice(const choice::v1::ChoiceEvent& event);
  absl::Status ApplyRegistry(const registry::v1::RegistryEvent& event);
  absl::Status ApplySettlement(const settlement::v1::SettlementEvent& event);

  std::string ReadyKey() const { return Key("ready"); }

  // How many own events were recorded by the rebuild's plain transaction
  // (redis_visit_replay.cc) rather than by the record script.
  int64_t replayed_plain() const { return replayed_plain_.load(); }

  // How long the projection waits for this process's write path to record
  // an own event it reads back (OwnRecordsInFlight) before recording it
  // itself.
  static constexpr absl::Duration kOwnRecordWait = absl::Seconds(2);

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  std::string SlotKey(const IndexSlot& slot) const {
    return Key("slot:" + slot.name);
  }
  // The hash of how far the projection has recorded `topic`.
  std::string AppliedKey(OwnTopic topic) const {
    return Key(topic == OwnTopic::kEvents ? "applied" : "applied-rejected");
  }
  // The apply script's arguments that record one own event.
  std::vector<std::string> ApplyArguments(const Applied& applied) const;
  // Rejections of a provider's month, and the time (unix ms) before which
  // they have expired.
  std::string RejectedKey(const std::string& provider_id,
                          const std::string& period) const;
  int64_t RejectedCutoffMs() const;
  std::string RejectedIndexKey(const std::string& provider_id) const;
  // Whether each event's version is recorded already (one pipeline), and
  // in `stored_rejection` whether what is recorded is a rejection.
  absl::StatusOr<std::vector<bool>> Recorded(
      const std::vector<Applied>& events,
      std::vector<bool>* stored_rejection) const;
  // The first event of the batch whose visit id an earlier one has, if it
  // may replace a rejection (events.size() if none): the batch is recorded
  // in two parts there, so that the earlier one is stored when it is read.
  static size_t RepeatedAnswerAt(const std::vector<Applied>& events);
  // Drops each stored rejection that its event of the batch supersedes
  // (SupersedesRejection, domain/first_answer.h) with what it added to the
  // state; that event is then no longer `recorded`. In
  // redis_visit_supersede.cc.
  absl::Status DropSuperseded(const std::vector<Applied>& events,
                              const std::vector<bool>& stored_rejection,
                              std::vector<bool>& recorded);
  // While the state is not built yet (no ready key: the rebuild), a batch
  // of events none of whose visits is in Redis is recorded with plain
  // commands in one MULTI/EXEC under WATCH of its visits and offsets, the
  // record script's effect worked out here; false (nothing written) when
  // the batch does not qualify or another writer touched a watched key. In
  // redis_visit_replay.cc.
  absl::StatusOr<bool> ReplayFresh(const std::vector<Applied>& events);
  // Records the events not `recorded` in full and moves the projection's
  // offsets past the others, in one script call.
  absl::Status ApplyRecords(const std::vector<Applied>& events,
                            const std::vector<bool>& recorded);

  RedisClient* redis_;
  std::string prefix_;
  std::string own_topic_;
  std::string rejected_topic_;
  absl::Duration rejected_retention_;
  int64_t rejected_cap_;
  OwnRecordsInFlight in_flight_;
  // Set once the ready key was seen: from then on ReplayFresh is not tried.
  std::atomic<bool> built_{false};
  std::atomic<int64_t> replayed_plain_{0};
  bool replay_plain_ = true;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_ADAPTERS_REDIS_VISIT_STORE_H_
