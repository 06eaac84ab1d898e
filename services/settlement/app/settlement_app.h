#ifndef LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_
#define LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/statement_sources.h"
#include "lov/platform/clock.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/settlement/ports.h"

namespace lov::settlement {

// Settlement's use cases. Writes: validate, lock the aggregate, decide from
// the stored state, publish the event (durable in Kafka before anything is
// acknowledged), update the serving state. Statements are computed from the
// stored inputs by the pure domain; an approved statement is kept as it
// was approved and returned unchanged from then on.
class SettlementApp {
 public:
  // `sources_part_bytes`: the most source text one StatementSourcesRecorded
  // event of an approval carries.
  SettlementApp(SettlementStore* store, EventPublisher* publisher,
                const Clock* clock,
                size_t sources_part_bytes = kSourcesPartBytes)
      : store_(store),
        publisher_(publisher),
        clock_(clock),
        sources_part_bytes_(sources_part_bytes) {}

  absl::StatusOr<v1::RateTable> AddRateTable(
      const v1::AddRateTableRequest& request);
  absl::StatusOr<v1::ListRateTablesResponse> ListRateTables(
      const v1::ListRateTablesRequest& request);
  absl::StatusOr<v1::ListingRule> SetListingRule(
      const v1::SetListingRuleRequest& request);
  absl::StatusOr<v1::OneOffPayment> CreateOneOffPayment(
      const v1::CreateOneOffPaymentRequest& request);
  absl::StatusOr<v1::Statement> PreviewStatement(
      const v1::PreviewStatementRequest& request);
  absl::StatusOr<v1::Statement> ApproveStatement(
      const v1::ApproveStatementRequest& request);
  absl::StatusOr<v1::Statement> GetStatement(
      const v1::GetStatementRequest& request);
  absl::StatusOr<v1::ExportStatementResponse> ExportStatement(
      const v1::ExportStatementRequest& request);
  absl::StatusOr<v1::FollowUp> GetFollowUp(
      const v1::GetFollowUpRequest& request);

 private:
  // The approved statement, or a fresh preview from the current inputs.
  absl::StatusOr<v1::Statement> Current(const std::string& provider_id,
                                        const std::string& period);
  absl::StatusOr<StatementInput> LoadInput(const std::string& provider_id,
                                           absl::CivilMonth period,
                                           const RateBook* rates);
  absl::StatusOr<v1::Statement> Compute(const std::string& provider_id,
                                        absl::CivilMonth period,
                                        std::vector<Adjustment>* adjustments);
  absl::StatusOr<v1::SettlementEvent> NewEvent(const std::string& aggregate_id);
  absl::Status PublishAndApply(const std::vector<v1::SettlementEvent>& events);

  SettlementStore* store_;
  EventPublisher* publisher_;
  const Clock* clock_;
  size_t sources_part_bytes_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_
