#ifndef LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_
#define LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/platform/clock.h"
#include "lov/platform/command_runner.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/statement_sources.h"
#include "lov/settlement/ports.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// Settlement's use cases, one file each: app/commands/<use case>.cc for
// writes, app/queries/<use case>.cc for reads; app/reactions/ keeps the
// inputs in step with the other services' events. Every write goes through
// the platform's CommandRunner (lock, decide, publish durably, apply).
// Statements are computed from the stored inputs by the pure domain; an
// approved statement is kept as it was approved and returned unchanged from
// then on.
class SettlementApp {
 public:
  // `sources_part_bytes`: the most source text one StatementSourcesRecorded
  // event of an approval carries.
  SettlementApp(SettlementStore* store, EventPublisher* publisher,
                OwnEvents* own_events, const Clock* clock,
                size_t sources_part_bytes = kSourcesPartBytes);

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
  // The month's finance files (app/queries/export_month.cc).
  absl::StatusOr<v1::ExportMonthResponse> ExportMonth(
      const v1::ExportMonthRequest& request);
  // The month-end run over all providers (app/commands/preview_month.cc,
  // approve_month.cc, app/queries/get_month_run.cc).
  absl::StatusOr<v1::MonthRun> PreviewMonth(
      const v1::PreviewMonthRequest& request);
  absl::StatusOr<v1::MonthRun> GetMonthRun(
      const v1::GetMonthRunRequest& request);
  absl::StatusOr<v1::MonthRunApproval> ApproveMonth(
      const v1::ApproveMonthRequest& request);
  // The municipality's finance settings (app/commands/
  // set_finance_settings.cc, app/queries/get_finance_settings.cc).
  absl::StatusOr<v1::FinanceSettings> SetFinanceSettings(
      const v1::SetFinanceSettingsRequest& request);
  absl::StatusOr<v1::FinanceSettings> GetFinanceSettings(
      const v1::GetFinanceSettingsRequest& request);

 private:
  using Event = v1::SettlementEvent;
  template <typename Result>
  using Decided = Decision<Event, Result>;
  template <typename Result>
  using Decide = CommandRunner<Event>::Decide<Result>;

  // The rate tables and the listing rule: the municipality's terms of
  // payment, changed one command at a time.
  static constexpr char kRatesAggregate[] = "rates";
  // The finance settings, versioned by this aggregate's version.
  static constexpr char kFinanceSettingsAggregate[] = "finance-settings";

  // A command on the aggregate `lock_key` without a request id: each is
  // idempotent by a key of its own (a rate table's date, a payment id),
  // which its decision checks. Approvals carry a request id as well.
  template <typename Result>
  absl::StatusOr<Result> RunCommand(const std::string& lock_key,
                                    const Decide<Result>& decide) {
    Command command;
    command.lock_key = lock_key;
    return runner_.Run<Result>(command, CommandRunner<Event>::Replay<Result>(),
                               decide);
  }
  // An event about `aggregate_id` at its next version; the runner fills in
  // the rest of the envelope.
  absl::StatusOr<Event> NextEvent(const std::string& aggregate_id);

  // The month of a statement asked for by provider and period.
  static absl::StatusOr<absl::CivilMonth> StatementMonth(
      const std::string& provider_id, const std::string& period);
  // The approved statement, or a fresh preview from the current inputs.
  absl::StatusOr<v1::Statement> Current(const std::string& provider_id,
                                        const std::string& period);
  absl::StatusOr<StatementInput> LoadInput(const std::string& provider_id,
                                           absl::CivilMonth period,
                                           const RateBook* rates);
  // `visits`, if given, gets the month's visits the statement is made of.
  absl::StatusOr<v1::Statement> Compute(
      const std::string& provider_id, absl::CivilMonth period,
      std::vector<Adjustment>* adjustments,
      std::vector<visits::v1::Visit>* visits = nullptr);

  // The steps of an approval (app/commands/approve_statement.cc).
  absl::StatusOr<Decided<v1::Statement>> DecideApproval(
      const v1::ApproveStatementRequest& request, absl::CivilMonth month);
  absl::StatusOr<std::optional<v1::Statement>> ApprovedInLog(
      const std::string& provider_id, const std::string& period);
  // `paid_visits`, if given, gets the visits the statement is made of.
  absl::StatusOr<v1::Statement> NewApproval(
      const v1::ApproveStatementRequest& request, absl::CivilMonth month,
      std::vector<Adjustment>* adjustments, MonthInputs* inputs,
      std::vector<visits::v1::Visit>* paid_visits = nullptr);
  absl::StatusOr<std::vector<Event>> AdjustmentEvents(
      const v1::Statement& approved, absl::CivilMonth month,
      const std::vector<Adjustment>& adjustments);
  // The source parts, the fee basis parts and the approval, in that order.
  absl::StatusOr<std::vector<Event>> ApprovalEvents(
      const v1::Statement& approved, const MonthInputs& inputs,
      const v1::ClientFeeBasis& fee_basis);

  // The month-end run of a period: aggregate "month-run/<period>".
  static constexpr char kMonthRunPrefix[] = "month-run/";
  // A provider's statement of the month, or why it could not be computed.
  struct MonthStatement {
    std::string provider_id;
    absl::StatusOr<v1::Statement> statement;
  };
  // Every provider with something in the month (approved, or lines to pay;
  // a problem only for one that has visits), by provider id.
  absl::StatusOr<std::vector<MonthStatement>> MonthStatements(
      const std::string& period);
  // The checks of a batch approval (current run, four eyes, month ended)
  // and each provider's ApproveStatement; nothing of its own published.
  absl::StatusOr<v1::MonthRunApproval> DecideMonthApproval(
      const v1::ApproveMonthRequest& request, absl::CivilMonth month);

  SettlementStore* store_;
  OwnEvents* own_events_;
  const Clock* clock_;
  size_t sources_part_bytes_;
  CommandRunner<Event> runner_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_H_
