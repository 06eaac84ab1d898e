// A controller approves a provider's monthly statement (attesterar
// utbetalningsunderlaget) once the month has ended: the statement as
// previewed, with the corrections of earlier months it books, is fixed for
// good, and StatementApproved is published once per statement.
#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/fee_basis.h"
#include "lov/settlement/domain/month_inputs.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {

// Idempotent twice over: a retry with the same request id answers the first
// outcome (the runner), and a statement is approved once whatever the
// request id or replica (DecideApproval, under the statement's lock).
absl::StatusOr<v1::Statement> SettlementApp::ApproveStatement(
    const v1::ApproveStatementRequest& request) {
  absl::StatusOr<absl::CivilMonth> month =
      StatementMonth(request.provider_id(), request.period());
  if (!month.ok()) return month.status();
  if (request.expected_digest().empty()) {
    return absl::InvalidArgumentError(
        "expected_digest: is required (the digest of the preview being "
        "approved)");
  }
  bool approved_now = false;
  absl::StatusOr<v1::Statement> out = runner_.Run<v1::Statement>(
      Command::ByRequest(StatementId(request.provider_id(), request.period()),
                         request, request.request_id()),
      [&](const std::string&) {
        return store_->Approved(request.provider_id(), request.period());
      },
      [&]() -> absl::StatusOr<Decided<v1::Statement>> {
        absl::StatusOr<Decided<v1::Statement>> d =
            DecideApproval(request, *month);
        approved_now = d.ok() && !d->events.empty();
        return d;
      });
  if (out.ok() && approved_now) {
    log::Info("statement approved", {{"statement_id", out->statement_id()},
                                     {"total_ore", out->total_ore()}});
  }
  return out;
}

absl::StatusOr<Decision<v1::SettlementEvent, v1::Statement>>
SettlementApp::DecideApproval(const v1::ApproveStatementRequest& request,
                              absl::CivilMonth month) {
  absl::StatusOr<std::optional<v1::Statement>> approved =
      ApprovedInLog(request.provider_id(), request.period());
  if (!approved.ok()) return approved.status();
  if (approved->has_value()) {
    // Approved before: answered as approved, nothing published again.
    if ((*approved)->digest() != request.expected_digest()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "expected_digest: statement ", (*approved)->statement_id(),
          " is already approved with digest ", (*approved)->digest(), ", not ",
          request.expected_digest()));
    }
    return Decided<v1::Statement>({}, **approved);
  }
  std::vector<Adjustment> adjustments;
  MonthInputs inputs;
  std::vector<visits::v1::Visit> paid;
  absl::StatusOr<v1::Statement> statement =
      NewApproval(request, month, &adjustments, &inputs, &paid);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<std::vector<Event>> events =
      AdjustmentEvents(*statement, month, adjustments);
  if (!events.ok()) return events.status();
  // The client fee basis goes with the approval, in FeeBasisRecorded parts
  // of bounded size (StatementApproved.fee_basis_parts).
  absl::StatusOr<v1::ClientFeeBasis> fee_basis =
      FeeBasisOf(statement->statement_id(), statement->provider_id(),
                 statement->period(), paid);
  if (!fee_basis.ok()) return fee_basis.status();
  absl::StatusOr<std::vector<Event>> approval =
      ApprovalEvents(*statement, inputs, *fee_basis);
  if (!approval.ok()) return approval.status();
  for (Event& e : *approval) events->push_back(std::move(e));
  const std::string id = statement->statement_id();
  const PendingApproval pending{NewUuid(), request.request_id()};
  if (absl::Status s = store_->PutPendingApproval(id, pending); !s.ok()) {
    return s;
  }
  return Decided<v1::Statement>(
      std::move(*events), *std::move(statement), [this, id, pending] {
        // Surely not in the log: the next approval decides afresh at once.
        absl::Status s = store_->DropPendingApproval(id, pending.attempt);
        if (!s.ok()) {
          log::Warn("pending approval kept",
                    {{"statement_id", id}, {"error", s}});
        }
      });
}

// The approved statement, also when an earlier approval's events may be in
// the log but not in the state yet (its publish outcome unknown, its state
// update failed, or its process died after publishing): its pending record
// says so. Under the statement's lock that publish has ended either way
// (the write path holds the lock until it has: AggregateLock::Hold), so the
// log itself tells whether it happened.
absl::StatusOr<std::optional<v1::Statement>> SettlementApp::ApprovedInLog(
    const std::string& provider_id, const std::string& period) {
  absl::StatusOr<std::optional<v1::Statement>> approved =
      store_->Approved(provider_id, period);
  if (!approved.ok() || approved->has_value()) return approved;
  const std::string id = StatementId(provider_id, period);
  absl::StatusOr<std::optional<PendingApproval>> pending =
      store_->GetPendingApproval(id);
  if (!pending.ok()) return pending.status();
  if (!pending->has_value()) return approved;
  Projector projector(store_);
  if (absl::Status s = own_events_->Read(
          id,
          [&](const Event& e) { return projector.ApplySettlementEvent(e); });
      !s.ok()) {
    return s;
  }
  approved = store_->Approved(provider_id, period);
  if (!approved.ok() || approved->has_value()) return approved;
  log::Warn("an approval never reached the event log; deciding afresh",
            {{"statement_id", id}, {"request_id", (*pending)->request_id}});
  if (absl::Status s = store_->DropPendingApproval(id, (*pending)->attempt);
      !s.ok()) {
    return s;
  }
  return approved;
}

// The statement as previewed, fixed: the month has ended and the inputs
// still give the digest the controller saw.
absl::StatusOr<v1::Statement> SettlementApp::NewApproval(
    const v1::ApproveStatementRequest& request, absl::CivilMonth month,
    std::vector<Adjustment>* adjustments, MonthInputs* inputs,
    std::vector<visits::v1::Visit>* paid_visits) {
  if (clock_->Now() < MonthInterval(month).end) {
    return absl::FailedPreconditionError(absl::StrCat(
        "period: ", request.period(),
        " has not ended yet; a month is approved after its last day"));
  }
  std::vector<visits::v1::Visit> visits;
  absl::StatusOr<v1::Statement> statement =
      Compute(request.provider_id(), month, adjustments, &visits);
  if (!statement.ok()) return statement.status();
  // Read after the visits: a change they show was logged before it was
  // made (Projector::ApplyVisitEvent), so the visits the month lost are
  // all in the log.
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> logged =
      store_->LoggedVisitEvents(request.provider_id(), FormatPeriod(month));
  if (!logged.ok()) return logged.status();
  *inputs = InputsOf(visits, *logged, FormatPeriod(month));
  if (paid_visits != nullptr) *paid_visits = visits;
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
  return statement;
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

// The sources in parts of bounded size first, then the fee basis in parts,
// then the approval itself with the lines alone: no event grows with the
// size of the month.
absl::StatusOr<std::vector<v1::SettlementEvent>> SettlementApp::ApprovalEvents(
    const v1::Statement& approved, const MonthInputs& inputs,
    const v1::ClientFeeBasis& fee_basis) {
  const std::string& id = approved.statement_id();
  std::vector<Event> events;
  SplitStatement split =
      SplitSources(approved, sources_part_bytes_, FormatMonthInputs(inputs));
  for (auto& part : split.parts) {
    absl::StatusOr<Event> event = NextEvent(id);
    if (!event.ok()) return event.status();
    *event->mutable_statement_sources_recorded() = std::move(part);
    events.push_back(std::move(*event));
  }
  std::vector<v1::FeeBasisRecorded> fee_parts =
      SplitFeeBasis(fee_basis, kFeeBasisPartRows);
  for (auto& part : fee_parts) {
    absl::StatusOr<Event> event = NextEvent(id);
    if (!event.ok()) return event.status();
    *event->mutable_fee_basis_recorded() = std::move(part);
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
  a->set_visit_versions_recorded(true);
  a->set_fee_basis_parts(static_cast<int32_t>(fee_parts.size()));
  events.push_back(std::move(*event));
  return events;
}

}  // namespace lov::settlement
