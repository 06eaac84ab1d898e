#ifndef LOV_SERVICES_VISITS_PORTS_H_
#define LOV_SERVICES_VISITS_PORTS_H_

// The small interfaces the visits application layer needs; adapters/
// implements them on Redis and Kafka, tests on memory.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/requests.h"
#include "lov/platform/topic_end.h"
#include "lov/platform/topics.h"
#include "lov/visits/domain/visit_rules.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::visits {

// Which context one report needs.
struct ContextKey {
  std::string client_id;
  std::string provider_id;
  std::string category_id;
  std::string period;  // Stockholm month of the start
};

// Reserving a report id: the first writer wins; a performed visit also
// takes its slots in the interval indexes, atomically with the check that
// no other visit holds them at that time.
struct Reservation {
  std::string visit_id;
  std::string fingerprint;
  std::vector<IndexSlot> slots;  // empty: no overlap check
  absl::Time start;
  absl::Time end;
};

struct ReserveResult {
  enum class Kind { kReserved, kConflict, kExisting };
  Kind kind = Kind::kReserved;
  // kConflict: the slot and the visit holding it (the report is reserved
  // as a rejection).
  int conflict_slot = -1;
  std::string conflict_visit_id;
  // kExisting: what is stored under the id.
  bool done = false;
  std::string fingerprint;
  std::string owner;
  std::optional<v1::ReportOutcome> outcome;
};

struct VisitRecord {
  bool done = false;
  std::string owner;
  std::string fingerprint;
  std::optional<v1::ReportOutcome> outcome;
  std::optional<v1::Visit> current;
  bool voided = false;
  int64_t version = 0;
};

// Client and staff minutes and visit count per category, one provider.
struct PerformedCell {
  std::string provider_id;
  std::string category_id;
  int64_t client_minutes = 0;
  int64_t staff_minutes = 0;
  int64_t visits = 0;
};

// A client's month for the follow-up: the decisions (granted time) and
// the time performed per provider and category.
struct ClientMonth {
  std::vector<choice::v1::Decision> decisions;
  std::vector<PerformedCell> cells;
};

// A provider's visit with exceptions, and the start (Unix ms) it is listed
// by.
struct ExceptionRef {
  int64_t start_ms = 0;
  std::string visit_id;
};

using ::lov::AggregateLock;

// The two topics the visits service writes: its events (kept for ever) and
// the rejected reports (VisitRejected, kept for a limited time,
// lov.visits.rejected.v1). Rejections written before that topic existed
// stay on the events topic and count the same.
enum class OwnTopic { kEvents, kRejected };

// How long a rejected report is kept in the serving state, from its
// rejection (--rejected-retention-days). Accepted visits are kept for ever.
inline constexpr absl::Duration kDefaultRejectedRetention =
    absl::Hours(24 * topics::kDefaultRejectedRetentionDays);
// How many rejected reports of one provider the serving state keeps at
// most, the newest (--rejected-max-per-provider): a looping client cannot
// grow it beyond that within the retention period.
inline constexpr int64_t kDefaultRejectedPerProvider = 10000;

class VisitStore {
 public:
  virtual ~VisitStore() = default;

  virtual absl::StatusOr<std::vector<VerificationContext>> LoadContexts(
      const std::vector<ContextKey>& keys) = 0;
  // One result per reservation, applied in order (a later one sees an
  // earlier one's slots).
  virtual absl::StatusOr<std::vector<ReserveResult>> Reserve(
      const std::vector<Reservation>& reservations, const std::string& owner,
      absl::Duration max_length) = 0;
  // A visit holding any of the slots in [start, end), other than
  // `except_visit_id`: {slot index, visit id}, or nullopt.
  virtual absl::StatusOr<std::optional<std::pair<int, std::string>>>
  FindConflict(const Reservation& probe, const std::string& except_visit_id,
               absl::Duration max_length) = 0;
  // Applies own events; idempotent (a version not newer than the stored one
  // changes nothing). `partition`/`offset` are set when the event came from
  // `topic`, to record how far the projection has read it.
  struct Applied {
    const v1::VisitEvent* event;
    int32_t partition = -1;
    int64_t offset = -1;
    OwnTopic topic = OwnTopic::kEvents;
  };
  virtual absl::Status ApplyOwn(const std::vector<Applied>& events) = 0;
  virtual absl::StatusOr<std::optional<VisitRecord>> GetVisit(
      const std::string& visit_id) = 0;
  virtual absl::StatusOr<std::vector<v1::VisitEvent>> History(
      const std::string& visit_id) = 0;
  // The histories of several visits in one read (a list's page), in the
  // order asked.
  virtual absl::StatusOr<std::vector<std::vector<v1::VisitEvent>>> Histories(
      const std::vector<std::string>& visit_ids) = 0;
  // Drops a reservation that is still pending under `owner` (and its
  // slots): its event never reached Kafka. Whether one was dropped (false:
  // it was recorded meanwhile, or is no longer `owner`'s).
  virtual absl::StatusOr<bool> ReleasePending(const std::string& visit_id,
                                              const std::string& owner) = 0;
  virtual absl::Status MarkOwnerLost(const std::vector<std::string>& visit_ids,
                                     const std::string& owner) = 0;
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  PendingWithOwners() = 0;
  virtual absl::StatusOr<bool> OwnerAlive(const std::string& owner) = 0;
  virtual absl::Status Heartbeat(const std::string& owner,
                                 absl::Duration ttl) = 0;
  // Next offset to apply per partition of one of the own topics.
  virtual absl::StatusOr<std::map<int32_t, int64_t>> AppliedOffsets(
      OwnTopic topic) = 0;
  // Serialises staff commands on one visit, across replicas.
  virtual absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& visit_id) = 0;
  // The fingerprint of the staff command a request id was used for
  // (recorded from its event); nullopt if never.
  virtual absl::StatusOr<std::optional<std::string>> RequestFingerprint(
      const std::string& request_id) = 0;

  virtual absl::StatusOr<std::vector<v1::VisitRejected>> ListRejected(
      const std::string& provider_id, const std::string& period) = 0;
  // By start, then visit id.
  virtual absl::StatusOr<std::vector<ExceptionRef>> ExceptionVisits(
      const std::string& provider_id) = 0;
  // Several clients' months in one read, in the order asked.
  virtual absl::StatusOr<std::vector<ClientMonth>> ClientMonths(
      const std::vector<std::string>& client_ids,
      const std::string& period) = 0;
  virtual absl::StatusOr<std::vector<std::string>> ClientsOfProvider(
      const std::string& provider_id, const std::string& period) = 0;
  // Every client with a decision, or with a visit in the period.
  virtual absl::StatusOr<std::vector<std::string>> ClientsOfPeriod(
      const std::string& period) = 0;
};

// Own events to Kafka, each on its topic (a rejection on the rejected
// reports' topic, the others on the events topic). One status per event, in
// order; each OK means the event is durably written.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual std::vector<absl::Status> PublishBatch(
      const std::vector<v1::VisitEvent>& events) = 0;
};

// The end of an own topic, per partition.
using ::lov::TopicEnd;

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_PORTS_H_
