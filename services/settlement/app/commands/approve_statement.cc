// A controller approves a provider's monthly statement (attesterar
// utbetalningsunderlaget) once the month has ended: the statement as
// previewed, with the corrections of earlier months it books, is fixed for
// good.
#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {

absl::StatusOr<v1::Statement> SettlementApp::ApproveStatement(
    const v1::ApproveStatementRequest& request) {
  absl::StatusOr<absl::CivilMonth> month =
      StatementMonth(request.provider_id(), request.period());
  if (!month.ok()) return month.status();
  bool approved_now = false;
  absl::StatusOr<v1::Statement> out = RunCommand<v1::Statement>(
      StatementId(request.provider_id(), request.period()),
      [&]() -> absl::StatusOr<Decided<v1::Statement>> {
        absl::StatusOr<std::optional<v1::Statement>> approved =
            store_->Approved(request.provider_id(), request.period());
        if (!approved.ok()) return approved.status();
        // Approving again answers with the statement as approved.
        if (approved->has_value())
          return Decided<v1::Statement>({}, **approved);
        if (request.expected_digest().empty()) {
          return absl::InvalidArgumentError(
              "expected_digest: is required (the digest of the preview being "
              "approved)");
        }
        if (clock_->Now() < MonthInterval(*month).end) {
          return absl::FailedPreconditionError(absl::StrCat(
              "period: ", request.period(),
              " has not ended yet; a month is approved after its last day"));
        }
        std::vector<Adjustment> adjustments;
        absl::StatusOr<v1::Statement> statement =
            Compute(request.provider_id(), *month, &adjustments);
        if (!statement.ok()) return statement.status();
        if (statement->digest() != request.expected_digest()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "expected_digest: the statement changed since that preview "
              "(now ",
              statement->digest(), ", total ", statement->total_ore(),
              " öre); preview again and approve the new digest"));
        }
        statement->set_status(v1::STATEMENT_STATUS_APPROVED);
        *statement->mutable_approved_at() = ToProtoTime(clock_->Now());
        statement->set_approved_by(AccountableName(request.approved_by()));
        absl::StatusOr<std::vector<Event>> events =
            AdjustmentEvents(*statement, *month, adjustments);
        if (!events.ok()) return events.status();
        absl::StatusOr<std::vector<Event>> approval =
            ApprovalEvents(*statement);
        if (!approval.ok()) return approval.status();
        for (Event& e : *approval) events->push_back(std::move(e));
        approved_now = true;
        return Decided<v1::Statement>(std::move(*events), *statement);
      });
  if (out.ok() && approved_now) {
    log::Info("statement approved", {{"statement_id", out->statement_id()},
                                     {"total_ore", out->total_ore()}});
  }
  return out;
}

// One AdjustmentCreated per correction booked here, with its own net
// difference (the statement's lines group several corrections).
absl::StatusOr<std::vector<v1::SettlementEvent>>
SettlementApp::AdjustmentEvents(const v1::Statement& approved,
                                absl::CivilMonth month,
                                const std::vector<Adjustment>& adjustments) {
  std::vector<Event> events;
  if (adjustments.empty()) return events;
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  const RateBook rates(*tables);
  absl::StatusOr<std::map<std::string, v1::ZoneArea>> zones =
      store_->ZoneAreas();
  if (!zones.ok()) return zones.status();
  for (const Adjustment& a : adjustments) {
    StatementInput alone;
    alone.provider_id = approved.provider_id();
    alone.period = month;
    alone.in_house = approved.in_house();
    alone.rates = &rates;
    alone.zone_areas = *zones;
    alone.adjustments = {a};
    absl::StatusOr<v1::Statement> part = BuildStatement(alone);
    if (!part.ok()) return part.status();
    absl::StatusOr<Event> event = NextEvent(approved.statement_id());
    if (!event.ok()) return event.status();
    v1::AdjustmentCreated* c = event->mutable_adjustment_created();
    c->set_adjustment_id(a.adjustment_id);
    c->set_provider_id(approved.provider_id());
    c->set_visit_id(a.current ? a.current->visit_id() : a.previous->visit_id());
    c->set_adjusts_period(a.adjusts_period);
    c->set_booked_in_period(approved.period());
    c->set_statement_id(approved.statement_id());
    c->set_net_ore(part->net_ore());
    events.push_back(std::move(*event));
  }
  return events;
}

// The sources in parts of bounded size first, then the approval itself with
// the lines alone: no event grows with the size of the month.
absl::StatusOr<std::vector<v1::SettlementEvent>> SettlementApp::ApprovalEvents(
    const v1::Statement& approved) {
  const std::string& id = approved.statement_id();
  std::vector<Event> events;
  SplitStatement split = SplitSources(approved, sources_part_bytes_);
  for (auto& part : split.parts) {
    absl::StatusOr<Event> event = NextEvent(id);
    if (!event.ok()) return event.status();
    *event->mutable_statement_sources_recorded() = std::move(part);
    events.push_back(std::move(*event));
  }
  absl::StatusOr<Event> event = NextEvent(id);
  if (!event.ok()) return event.status();
  v1::StatementApproved* a = event->mutable_statement_approved();
  a->set_statement_id(id);
  a->set_provider_id(approved.provider_id());
  a->set_period(approved.period());
  a->set_total_ore(approved.total_ore());
  a->set_net_ore(approved.net_ore());
  a->set_vat_ore(approved.vat_ore());
  a->set_digest(approved.digest());
  *a->mutable_statement() = std::move(split.lines);
  a->set_source_parts(static_cast<int32_t>(split.parts.size()));
  events.push_back(std::move(*event));
  return events;
}

}  // namespace lov::settlement
