#ifndef LOV_SERVICES_SETTLEMENT_PORTS_H_
#define LOV_SERVICES_SETTLEMENT_PORTS_H_

// The small interfaces the settlement's application layer needs; adapters/
// implements them on Redis and Kafka.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/requests.h"
#include "lov/registry/v1/registry.pb.h"
#include "lov/settlement/domain/month_inputs.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

namespace v1 = ::lov::settlement::v1;

using ::lov::AggregateLock;

// An approval on its way to the event log (see PutPendingApproval).
struct PendingApproval {
  std::string attempt;  // unique per decision, so only its own is dropped
  std::string request_id;
};

// A provider as finance files name and pay it (SettlementStore::
// ProviderFinanceOf): each part nullopt while the registry has not sent it.
struct ProviderFinance {
  std::optional<registry::v1::Provider> party;
  std::optional<registry::v1::PaymentDetails> payment;
};

// Settlement's serving state: its inputs projected from the registry,
// choice and visits topics, and its own records (rate tables, the listing
// rule, one-off payments, approved statements). Every write is idempotent.
class SettlementStore {
 public:
  virtual ~SettlementStore() = default;

  // Inputs.
  virtual absl::Status PutVisit(const visits::v1::Visit& visit) = 0;
  virtual absl::Status RemoveVisit(const std::string& provider_id,
                                   const std::string& period,
                                   const std::string& visit_id) = 0;
  virtual absl::StatusOr<std::vector<visits::v1::Visit>> Visits(
      const std::string& provider_id, const std::string& period) = 0;
  // A correction of a locked period, kept as the visit event that made it.
  virtual absl::Status PutAdjustment(const std::string& provider_id,
                                     const visits::v1::VisitEvent& event) = 0;
  virtual absl::StatusOr<std::vector<visits::v1::VisitEvent>> Adjustments(
      const std::string& provider_id) = 0;
  // Visit events already applied to the visits of their period (the period
  // the visit was in before the event), so that one seen again after that
  // period was approved is not taken for a late correction.
  virtual absl::Status MarkVisitEventApplied(const std::string& provider_id,
                                             const std::string& period,
                                             const std::string& event_id) = 0;
  virtual absl::StatusOr<bool> VisitEventApplied(
      const std::string& provider_id, const std::string& period,
      const std::string& event_id) = 0;
  virtual absl::Status UnmarkVisitEventApplied(const std::string& provider_id,
                                               const std::string& period,
                                               const std::string& event_id) = 0;
  // The visit events applied to a period not yet approved, kept until the
  // period's approval has been reconciled with them (month_inputs.h).
  virtual absl::Status LogVisitEvent(const std::string& provider_id,
                                     const std::string& period,
                                     const visits::v1::VisitEvent& event) = 0;
  virtual absl::StatusOr<std::vector<visits::v1::VisitEvent>> LoggedVisitEvents(
      const std::string& provider_id, const std::string& period) = 0;
  virtual absl::Status DropVisitLog(const std::string& provider_id,
                                    const std::string& period) = 0;
  // What the approved statement of a period was computed from: recorded
  // once, before the statement is stored as approved.
  virtual absl::Status PutApprovedInputs(const std::string& provider_id,
                                         const std::string& period,
                                         const MonthInputs& inputs) = 0;
  // `recorded` false: no inputs are kept for the period (not approved, or
  // approved before inputs were recorded); else the states of those of
  // `visit_ids` the month had.
  struct InputLookup {
    bool recorded = false;
    MonthInputs states;
  };
  virtual absl::StatusOr<InputLookup> ApprovedInputs(
      const std::string& provider_id, const std::string& period,
      const std::vector<std::string>& visit_ids) = 0;
  virtual absl::Status PutAssignment(const choice::v1::Assignment& a) = 0;
  virtual absl::StatusOr<std::vector<choice::v1::Assignment>> Assignments(
      const std::string& provider_id) = 0;
  virtual absl::Status PutDecision(const std::string& client_id,
                                   const choice::v1::Decision& d) = 0;
  virtual absl::StatusOr<
      std::map<std::string, std::vector<choice::v1::Decision>>>
  Decisions(const std::set<std::string>& client_ids) = 0;
  virtual absl::Status SetZoneAreas(
      const std::map<std::string, v1::ZoneArea>& areas) = 0;
  virtual absl::StatusOr<std::map<std::string, v1::ZoneArea>> ZoneAreas() = 0;
  virtual absl::Status SetProviderKind(const std::string& provider_id,
                                       bool in_house) = 0;
  // nullopt: the provider is not known from the registry events.
  virtual absl::StatusOr<std::optional<bool>> ProviderInHouse(
      const std::string& provider_id) = 0;
  // Every provider seen in any input, sorted.
  virtual absl::StatusOr<std::vector<std::string>> Providers() = 0;
  // The provider as finance files name it (registry provider events): only
  // provider_id, organisation_number (empty for a sole trader), name, kind
  // and contact address and email are kept. And its payment details, from
  // the latest PaymentDetailsChanged. Both nullopt while unknown. They are
  // written and read together, so an export never sees new payment details
  // beside the old name and numbers (or the reverse).
  virtual absl::Status PutProviderParty(
      const registry::v1::Provider& provider,
      const registry::v1::PaymentDetails* details_or_null) = 0;
  virtual absl::StatusOr<ProviderFinance> ProviderFinanceOf(
      std::string_view provider_id) = 0;

  // Settlement's own records.
  virtual absl::Status PutRateTable(const v1::RateTable& table) = 0;
  virtual absl::StatusOr<std::vector<v1::RateTable>> RateTables() = 0;
  virtual absl::Status SetListingRule(const v1::ListingRule& rule) = 0;
  virtual absl::StatusOr<v1::ListingRule> GetListingRule() = 0;
  // The municipality's finance settings: the highest version put is kept
  // (a replay of an older one changes nothing). nullopt: never set.
  virtual absl::Status PutFinanceSettings(
      const v1::FinanceSettings& settings) = 0;
  virtual absl::StatusOr<std::optional<v1::FinanceSettings>>
  GetFinanceSettings() = 0;
  virtual absl::Status PutOneOff(const v1::OneOffPayment& payment) = 0;
  virtual absl::StatusOr<std::vector<v1::OneOffPayment>> OneOffs() = 0;
  // Month-end runs by period and run digest, with their latest approval;
  // `latest`: the run becomes the period's current one (the last prepared).
  virtual absl::Status PutMonthRun(const v1::MonthRun& run, bool latest) = 0;
  // `run_digest` empty: the period's current run. nullopt: there is none.
  virtual absl::StatusOr<std::optional<v1::MonthRun>> GetMonthRun(
      const std::string& period, const std::string& run_digest) = 0;
  virtual absl::Status PutApproved(const v1::Statement& statement) = 0;
  // The sources parts of a statement being approved, kept until its
  // StatementApproved joins them (and then drops them).
  virtual absl::Status PutSourcesPart(
      const v1::StatementSourcesRecorded& part) = 0;
  virtual absl::StatusOr<std::vector<v1::StatementSourcesRecorded>>
  SourcesParts(const std::string& statement_id) = 0;
  virtual absl::Status DropSourcesParts(const std::string& statement_id) = 0;
  virtual absl::StatusOr<std::optional<v1::Statement>> Approved(
      const std::string& provider_id, const std::string& period) = 0;
  // An approval whose events are being published: written under the
  // statement's lock before they go to Kafka, dropped when the approval is
  // applied (PutApproved) or surely not stored. While it is there and the
  // statement is not approved, the approval may be in the log but not yet
  // in this state. ABORTED if another attempt's record is there.
  virtual absl::Status PutPendingApproval(const std::string& statement_id,
                                          const PendingApproval& pending) = 0;
  virtual absl::StatusOr<std::optional<PendingApproval>> GetPendingApproval(
      const std::string& statement_id) = 0;
  // Drops the record only if it is still `attempt`'s.
  virtual absl::Status DropPendingApproval(const std::string& statement_id,
                                           const std::string& attempt) = 0;
  // What a request id was used for, kept when its event is applied.
  virtual absl::Status RecordRequest(const v1::SettlementEvent& event) = 0;
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) = 0;
  virtual absl::StatusOr<bool> IsApproved(const std::string& provider_id,
                                          const std::string& period) = 0;
  // The latest period approved for any provider, "" if none.
  virtual absl::StatusOr<std::string> LatestApprovedPeriod() = 0;
  // Adjustment ids already booked in an approved statement.
  virtual absl::StatusOr<std::set<std::string>> BookedAdjustments(
      const std::string& provider_id) = 0;

  // The next aggregate version for an event about `aggregate_id`, and
  // keeping it in step when events are replayed.
  virtual absl::StatusOr<int64_t> NextVersion(
      const std::string& aggregate_id) = 0;
  virtual absl::Status SeenVersion(const std::string& aggregate_id,
                                   int64_t version) = 0;

  // Serialises commands on one aggregate, across replicas.
  virtual absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) = 0;
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once every event is durably in Kafka, in order.
  virtual absl::Status Publish(
      const std::vector<v1::SettlementEvent>& events) = 0;
};

// Settlement's own topic, read as a subscriber would: how an approval the
// state does not show yet is looked up in the log itself.
class OwnEvents {
 public:
  virtual ~OwnEvents() = default;
  // Hands `handle` every event about `aggregate_id` in the topic up to its
  // end as of the call, in order.
  virtual absl::Status Read(
      const std::string& aggregate_id,
      const std::function<absl::Status(const v1::SettlementEvent&)>&
          handle) = 0;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_PORTS_H_
