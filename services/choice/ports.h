#ifndef LOV_SERVICES_CHOICE_PORTS_H_
#define LOV_SERVICES_CHOICE_PORTS_H_

// The small interfaces the choice service's application layer needs;
// adapters/ implements them on Redis and Kafka.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/domain/allocation.h"
#include "lov/choice/domain/comparable_info.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/domain/neutrality.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/requests.h"
#include "lov/platform/topic_end.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::choice {

using ::lov::RequestRecord;

using ::lov::AggregateLock;
using ::lov::TopicEnd;

// How long a capacity slot may stay pending without its event: twice the
// longest a publish can take, so that when it has passed the publish has
// ended either way and its event, if any, is in the log.
inline const absl::Duration kReservationExpiry = 2 * kPublishLease;

// Who takes a capacity slot, for which command, and until when it may stay
// pending.
struct ReservationTag {
  std::string owner;       // the instance that took it (for the logs)
  std::string request_id;  // the command whose event makes it permanent
  absl::Time expires;
};

// A capacity slot taken before the assignment event is published. It is
// pending (and counts against the caps) until an event of the client that
// holds or frees that slot is applied, which settles it. Release gives it
// back only while it is still pending and still the one `token` took.
struct Reservation {
  std::string provider_id;
  std::string zone_id;
  std::string client_id;
  // Names the taking. A slot already pending for another command keeps that
  // command's token and expiry (later one of the two): releasing a
  // reservation that joined it then gives nothing back.
  std::string token;
  absl::Time expires;
};

// A pending reservation as stored.
struct PendingReservation {
  Reservation reservation;
  std::string owner;
  std::string request_id;
};

struct DueCase {
  std::string client_id;
  std::string case_id;
};

class ChoiceStore {
 public:
  virtual ~ChoiceStore() = default;

  // ---- the registry's records, as last seen on its topic
  virtual absl::StatusOr<std::optional<registry::v1::Municipality>>
  GetMunicipality() = 0;
  virtual absl::StatusOr<std::optional<registry::v1::Provider>> GetProvider(
      const std::string& provider_id) = 0;
  virtual absl::StatusOr<std::vector<registry::v1::Provider>>
  ListProviders() = 0;
  // Idempotent: an older or equal version changes nothing.
  virtual absl::Status ApplyRegistry(
      const registry::v1::RegistryEvent& event) = 0;

  // ---- the choice service's own state
  virtual absl::StatusOr<std::optional<v1::Client>> GetClient(
      const std::string& client_id) = 0;
  // Several clients in one read (a list's page), in the order asked;
  // nullopt for an unknown id.
  virtual absl::StatusOr<std::vector<std::optional<v1::Client>>> GetClients(
      const std::vector<std::string>& client_ids) = 0;
  virtual absl::StatusOr<std::optional<std::string>> FindClientByHmac(
      const std::string& personnummer_hmac) = 0;
  // Keeps a client's wrapped data key (from the key topic); the client's
  // personnummer is decrypted for display once both the key and its
  // ClientRegistered are applied, in either order. Idempotent.
  virtual absl::Status ApplyDataKey(const v1::ChoiceKeyEvent& event) = 0;
  virtual absl::StatusOr<std::optional<v1::ChoicePolicy>> GetPolicy() = 0;
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) = 0;
  virtual absl::StatusOr<RotationPointer> GetRotation(
      const std::string& zone_id) = 0;
  // Last published zone health per "<zone>|<category>", and its version.
  virtual absl::StatusOr<std::map<std::string, v1::ZoneHealth>>
  GetPublishedZoneHealth(int64_t* version) = 0;
  // Open re-choice cases whose deadline is on or before `last_deadline`.
  virtual absl::StatusOr<std::vector<DueCase>> DueCases(
      absl::CivilDay last_deadline) = 0;
  // Every client ever assigned to the provider.
  virtual absl::StatusOr<std::vector<std::string>> ClientsOf(
      const std::string& provider_id) = 0;
  // Clients holding a slot with the provider in the zone on `day` or later.
  virtual absl::StatusOr<std::vector<std::string>> SlotHolders(
      const std::string& provider_id, const std::string& zone_id,
      absl::CivilDay day) = 0;
  // Slot holders per provider in the zone on `day`, and their granted
  // minutes a month, leaving out `except_client_id` (a client's own slot,
  // e.g. one still pending from its earlier attempt, never counts against
  // it: Reserve lets it keep that slot; "" = nobody left out).
  virtual absl::StatusOr<std::map<std::string, Occupancy>> Occupied(
      const std::vector<std::string>& provider_ids, const std::string& zone_id,
      absl::CivilDay day, const std::string& except_client_id) = 0;
  // Applies one event; idempotent (an event whose aggregate version is not
  // newer than the stored one changes nothing).
  virtual absl::Status Apply(const v1::ChoiceEvent& event) = 0;

  // ---- the follow-up service's indicators, as last published on its topic
  // Keeps a published row (per provider, and per provider and zone) unless
  // one computed for a later day is kept (Supersedes). Idempotent.
  virtual absl::Status ApplyIndicators(
      const followup::v1::ProviderIndicators& indicators) = 0;
  // Each provider's rows for `zone_id` and over all zones, in the order
  // asked (one read for a page of the list).
  virtual absl::StatusOr<std::vector<IndicatorRows>> GetIndicators(
      const std::vector<std::string>& provider_ids,
      const std::string& zone_id) = 0;

  // Atomically takes a slot with the provider in the zone from `from` for a
  // client granted `minutes` a month there, if fewer than
  // limits.max_clients clients hold one then (pending or settled) and their
  // minutes plus `minutes` stay within limits.max_minutes (-1: no limit),
  // across every replica. FAILED_PRECONDITION naming the cap when full. A
  // client already holding a slot from `from` keeps it. The slot is pending
  // under `tag` until an event of the client settles it.
  virtual absl::StatusOr<Reservation> Reserve(
      const std::string& provider_id, const std::string& zone_id,
      const std::string& client_id, absl::CivilDay from, SlotLimits limits,
      int64_t minutes, const ReservationTag& tag) = 0;
  // Gives a pending slot back (the client's slot as it was before); false
  // when there was nothing to give back (settled, or not this taking's).
  virtual absl::StatusOr<bool> Release(const Reservation& reservation) = 0;
  // Pending reservations whose expiry is at or before `now`.
  virtual absl::StatusOr<std::vector<PendingReservation>> ExpiredReservations(
      absl::Time now) = 0;

  // Serialises commands on one aggregate, across replicas.
  virtual absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) = 0;
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once every event is durably in Kafka, in order per key.
  virtual absl::Status Publish(const std::vector<v1::ChoiceEvent>& events) = 0;
  // Returns once the client's data key is durably on the key topic.
  virtual absl::Status PublishKey(const v1::ChoiceKeyEvent& event) = 0;
};

// The neutrality audit's serving state (docs/choice.md, "Neutrality
// audit"): lists shown and non-choice allocations, projected from the
// choice topic, by zone, category and the Stockholm day they happened.
enum class NeutralityKind { kListShown, kAllocation };

class NeutralityStore {
 public:
  virtual ~NeutralityStore() = default;
  // Records an EligibleListShown (a fresh one) or a non-choice
  // AssignmentStarted; other events change nothing. Idempotent.
  virtual absl::Status Apply(const v1::ChoiceEvent& event) = 0;
  // The trials recorded for the zone and category from `from` to `to`
  // (inclusive).
  virtual absl::StatusOr<std::vector<NeutralityTrial>> Trials(
      NeutralityKind kind, const std::string& zone_id,
      const std::string& category_id, absl::CivilDay from,
      absl::CivilDay to) = 0;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_PORTS_H_
