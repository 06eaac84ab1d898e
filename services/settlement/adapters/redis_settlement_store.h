#ifndef LOV_SERVICES_SETTLEMENT_ADAPTERS_REDIS_SETTLEMENT_STORE_H_
#define LOV_SERVICES_SETTLEMENT_ADAPTERS_REDIS_SETTLEMENT_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "lov/platform/redis.h"
#include "lov/settlement/batch_ports.h"
#include "lov/settlement/ports.h"

namespace lov::settlement {

// Settlement's serving state in Redis, all under "<prefix>:" (default
// "lov:settlement"):
//   visits:<provider>:<period>  hash visit id -> Visit (latest version)
//   adjustments:<provider>      hash adjustment id -> VisitEvent
//   applied:<provider>:<period> set of visit event ids applied to the visits
//   assignments:<provider>      hash assignment id -> Assignment
//   decisions:<client>          hash decision id -> Decision
//   zones                       hash zone id -> ZoneArea number
//   provider_kind               hash provider id -> "in-house" | "private"
//   providers                   set of provider ids seen in any input
//   provider_party              hash provider id -> registry Provider
//                               (name, numbers, address: PutProviderParty)
//   payment_details             hash provider id -> PaymentDetails (written
//                               and read with provider_party in one
//                               MULTI/EXEC)
//   rates                       hash effective date -> RateTable
//   listing_rule                ListingRule
//   finance_settings            hash version -> FinanceSettings (every
//                               version; the highest is current)
//   one_offs                    hash payment id -> OneOffPayment
//   month_runs:<period>         hash run digest -> MonthRun (with approval)
//   month_run_latest            hash period -> run digest of the current run
//   approved                    hash statement id -> Statement (immutable)
//   approved_periods            sorted set of approved periods
//   approving                   hash statement id -> "<attempt> <request
//                               id>" of an approval being published
//   request:<request id>        "<fingerprint> <aggregate id>"
//   booked:<provider>           set of adjustment ids in approved statements
//   seq:<aggregate>             last aggregate version
//   lock:<aggregate>            command lease
//   ready                       set once the state is built (see Projection)
// The batch reads and writes (ProjectionBatchStore) are one pipeline each
// (redis_projection_batch.cc).
class RedisSettlementStore : public SettlementStore,
                             public ProjectionBatchStore {
 public:
  // The field of inputs:<provider>:<period> written last (never a visit id).
  static constexpr char kInputsRecordedField[] = "@recorded";

  explicit RedisSettlementStore(RedisClient* redis,
                                std::string prefix = "lov:settlement")
      : redis_(redis), prefix_(std::move(prefix)) {}

  absl::Status PutVisit(const visits::v1::Visit& visit) override;
  absl::Status RemoveVisit(const std::string& provider_id,
                           const std::string& period,
                           const std::string& visit_id) override;
  absl::StatusOr<std::vector<visits::v1::Visit>> Visits(
      const std::string& provider_id, const std::string& period) override;
  absl::Status PutAdjustment(const std::string& provider_id,
                             const visits::v1::VisitEvent& event) override;
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> Adjustments(
      const std::string& provider_id) override;
  absl::Status MarkVisitEventApplied(const std::string& provider_id,
                                     const std::string& period,
                                     const std::string& event_id) override;
  absl::StatusOr<bool> VisitEventApplied(const std::string& provider_id,
                                         const std::string& period,
                                         const std::string& event_id) override;
  absl::Status UnmarkVisitEventApplied(const std::string& provider_id,
                                       const std::string& period,
                                       const std::string& event_id) override;
  absl::Status LogVisitEvent(const std::string& provider_id,
                             const std::string& period,
                             const visits::v1::VisitEvent& event) override;
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> LoggedVisitEvents(
      const std::string& provider_id, const std::string& period) override;
  absl::Status DropVisitLog(const std::string& provider_id,
                            const std::string& period) override;
  absl::Status PutApprovedInputs(const std::string& provider_id,
                                 const std::string& period,
                                 const MonthInputs& inputs) override;
  absl::StatusOr<InputLookup> ApprovedInputs(
      const std::string& provider_id, const std::string& period,
      const std::vector<std::string>& visit_ids) override;
  absl::Status PutAssignment(const choice::v1::Assignment& a) override;
  absl::StatusOr<std::vector<choice::v1::Assignment>> Assignments(
      const std::string& provider_id) override;
  absl::Status PutDecision(const std::string& client_id,
                           const choice::v1::Decision& d) override;
  absl::StatusOr<std::map<std::string, std::vector<choice::v1::Decision>>>
  Decisions(const std::set<std::string>& client_ids) override;
  absl::Status SetZoneAreas(
      const std::map<std::string, v1::ZoneArea>& areas) override;
  absl::StatusOr<std::map<std::string, v1::ZoneArea>> ZoneAreas() override;
  absl::Status SetProviderKind(const std::string& provider_id,
                               bool in_house) override;
  absl::StatusOr<std::optional<bool>> ProviderInHouse(
      const std::string& provider_id) override;
  absl::StatusOr<std::vector<std::string>> Providers() override;
  absl::Status PutProviderParty(
      const registry::v1::Provider& provider,
      const registry::v1::PaymentDetails* details_or_null) override;
  absl::StatusOr<ProviderFinance> ProviderFinanceOf(
      std::string_view provider_id) override;
  absl::Status PutRateTable(const v1::RateTable& table) override;
  absl::StatusOr<std::vector<v1::RateTable>> RateTables() override;
  absl::Status PutFinanceSettings(const v1::FinanceSettings& settings) override;
  absl::StatusOr<std::optional<v1::FinanceSettings>> GetFinanceSettings()
      override;
  absl::Status SetListingRule(const v1::ListingRule& rule) override;
  absl::StatusOr<v1::ListingRule> GetListingRule() override;
  absl::Status PutOneOff(const v1::OneOffPayment& payment) override;
  absl::StatusOr<std::vector<v1::OneOffPayment>> OneOffs() override;
  absl::Status PutMonthRun(const v1::MonthRun& run, bool latest) override;
  absl::StatusOr<std::optional<v1::MonthRun>> GetMonthRun(
      const std::string& period, const std::string& run_digest) override;
  absl::Status PutApproved(const v1::Statement& statement) override;
  absl::Status PutSourcesPart(
      const v1::StatementSourcesRecorded& part) override;
  absl::StatusOr<std::vector<v1::StatementSourcesRecorded>> SourcesParts(
      const std::string& statement_id) override;
  absl::Status DropSourcesParts(const std::string& statement_id) override;
  absl::StatusOr<std::optional<v1::Statement>> Approved(
      const std::string& provider_id, const std::string& period) override;
  absl::Status PutPendingApproval(const std::string& statement_id,
                                  const PendingApproval& pending) override;
  absl::StatusOr<std::optional<PendingApproval>> GetPendingApproval(
      const std::string& statement_id) override;
  absl::Status DropPendingApproval(const std::string& statement_id,
                                   const std::string& attempt) override;
  absl::Status RecordRequest(const v1::SettlementEvent& event) override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override;
  absl::StatusOr<bool> IsApproved(const std::string& provider_id,
                                  const std::string& period) override;
  absl::StatusOr<std::string> LatestApprovedPeriod() override;
  absl::StatusOr<std::set<std::string>> BookedAdjustments(
      const std::string& provider_id) override;
  absl::StatusOr<int64_t> NextVersion(const std::string& aggregate_id) override;
  absl::Status SeenVersion(const std::string& aggregate_id,
                           int64_t version) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override;

  absl::StatusOr<std::vector<VisitEventFacts>> VisitEventFactsOf(
      const std::vector<VisitEventQuestion>& questions) override;
  absl::StatusOr<std::vector<bool>> InputsRecorded(
      const std::vector<std::pair<std::string, std::string>>& months) override;
  absl::Status ApplyWrites(const std::vector<StoreWrite>& writes) override;

  std::string ReadyKey() const { return prefix_ + ":ready"; }

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  RedisClient* redis_;
  std::string prefix_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_ADAPTERS_REDIS_SETTLEMENT_STORE_H_
