#include "lov/settlement/app/settlement_app.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "lov/settlement/app/projector.h"
#include "lov/settlement/domain/export.h"
#include "lov/settlement/domain/follow_up.h"
#include "lov/settlement/domain/one_off.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::settlement {
namespace {

constexpr char kRatesAggregate[] = "rates";

absl::Status RequireProvider(const std::string& provider_id) {
  if (provider_id.empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  return absl::OkStatus();
}

// The adjustment a stored visit event stands for.
Adjustment ToAdjustment(const visits::v1::VisitEvent& e) {
  Adjustment a;
  a.adjustment_id = e.event_id();
  if (e.has_visit_corrected()) {
    const auto& c = e.visit_corrected();
    a.adjusts_period = c.adjusts_period();
    a.current = c.visit();
    if (c.has_previous()) a.previous = c.previous();
  } else if (e.has_visit_voided()) {
    a.adjusts_period = e.visit_voided().adjusts_period();
    a.previous = e.visit_voided().previous();
  }
  return a;
}

}  // namespace

absl::StatusOr<v1::SettlementEvent> SettlementApp::NewEvent(
    const std::string& aggregate_id) {
  absl::StatusOr<int64_t> version = store_->NextVersion(aggregate_id);
  if (!version.ok()) return version.status();
  v1::SettlementEvent e;
  e.set_event_id(NewUuid());
  *e.mutable_occurred_at() = ToProtoTime(clock_->Now());
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(*version);
  return e;
}

absl::Status SettlementApp::PublishAndApply(
    const std::vector<v1::SettlementEvent>& events) {
  if (absl::Status s = publisher_->Publish(events); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the change was not stored (event log unavailable: ", s.message(),
        "); nothing was changed, retry"));
  }
  Projector projector(store_);
  for (const auto& e : events) {
    if (absl::Status s = projector.ApplySettlementEvent(e); !s.ok()) {
      // The event is durable; the consumer will bring the state up to date.
      log::Warn("state update after publish failed; the consumer will apply it",
                {{"event_id", e.event_id()}, {"error", s}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RateTable> SettlementApp::AddRateTable(
    const v1::AddRateTableRequest& request) {
  const v1::RateTable& table = request.table();
  if (absl::Status s = ValidateRateTable(table); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(kRatesAggregate);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  for (const v1::RateTable& t : *tables) {
    if (t.effective_date() != table.effective_date()) continue;
    if (SerializeDeterministic(t) == SerializeDeterministic(table)) return t;
    return absl::AlreadyExistsError(absl::StrCat(
        "table.effective_date: a different rate table already starts on ",
        table.effective_date(),
        "; rates are never rewritten, add a new "
        "version from a later date"));
  }
  absl::StatusOr<std::string> latest = store_->LatestApprovedPeriod();
  if (!latest.ok()) return latest.status();
  if (!latest->empty()) {
    absl::StatusOr<absl::CivilMonth> locked = ParsePeriod(*latest);
    absl::StatusOr<absl::CivilDay> from = ParseDate(table.effective_date());
    if (locked.ok() && from.ok() && absl::CivilMonth(*from) <= *locked) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table.effective_date: ", table.effective_date(),
          " falls in or before ", *latest,
          ", which is already approved; a new table may start from ",
          FormatPeriod(*locked + 1), "-01"));
    }
  }
  absl::StatusOr<v1::SettlementEvent> event = NewEvent(kRatesAggregate);
  if (!event.ok()) return event.status();
  *event->mutable_rate_table_version_added()->mutable_table() = table;
  if (absl::Status s = PublishAndApply({*event}); !s.ok()) return s;
  return table;
}

absl::StatusOr<v1::ListRateTablesResponse> SettlementApp::ListRateTables(
    const v1::ListRateTablesRequest&) {
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  v1::ListRateTablesResponse out;
  for (auto& t : RateBook(*tables).All()) *out.add_tables() = std::move(t);
  return out;
}

absl::StatusOr<v1::ListingRule> SettlementApp::SetListingRule(
    const v1::SetListingRuleRequest& request) {
  if (request.rule().kind() == v1::LISTING_RULE_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "rule.kind: PRO_RATA_DAYS or PROVIDER_ON_15TH is required");
  }
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(kRatesAggregate);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<v1::SettlementEvent> event = NewEvent(kRatesAggregate);
  if (!event.ok()) return event.status();
  *event->mutable_listing_rule_set()->mutable_rule() = request.rule();
  if (absl::Status s = PublishAndApply({*event}); !s.ok()) return s;
  return request.rule();
}

absl::StatusOr<v1::OneOffPayment> SettlementApp::CreateOneOffPayment(
    const v1::CreateOneOffPaymentRequest& request) {
  if (absl::Status s = ValidateOneOff(request); !s.ok()) return s;
  const std::string aggregate = "one-off/" + request.payment_id();
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock = store_->Lock(aggregate);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::vector<v1::OneOffPayment>> existing = store_->OneOffs();
  if (!existing.ok()) return existing.status();
  for (const v1::OneOffPayment& p : *existing) {
    if (p.payment_id() != request.payment_id()) continue;
    if (p.total_ore() == request.total_ore() &&
        p.basis_period() == request.basis_period() &&
        p.paid_in_period() == request.paid_in_period() &&
        p.rule() == request.rule()) {
      return p;  // a retry
    }
    return absl::AlreadyExistsError(
        absl::StrCat("payment_id: '", request.payment_id(),
                     "' is already used for a different payment"));
  }
  absl::StatusOr<std::vector<std::string>> providers = store_->Providers();
  if (!providers.ok()) return providers.status();
  std::map<std::string, int64_t> seconds;
  for (const std::string& provider : *providers) {
    absl::StatusOr<std::vector<visits::v1::Visit>> visits =
        store_->Visits(provider, request.basis_period());
    if (!visits.ok()) return visits.status();
    for (const auto& v : *visits) seconds[provider] += PerformedSeconds(v);
  }
  absl::StatusOr<v1::OneOffPayment> payment = AllocateOneOff(request, seconds);
  if (!payment.ok()) return payment.status();
  for (const v1::OneOffShare& share : payment->shares()) {
    absl::StatusOr<bool> locked =
        store_->IsApproved(share.provider_id(), request.paid_in_period());
    if (!locked.ok()) return locked.status();
    if (*locked) {
      return absl::FailedPreconditionError(absl::StrCat(
          "paid_in_period: ", request.paid_in_period(),
          " is already approved for provider '", share.provider_id(),
          "'; pay the one-off in an open period"));
    }
  }
  absl::StatusOr<v1::SettlementEvent> event = NewEvent(aggregate);
  if (!event.ok()) return event.status();
  *event->mutable_one_off_payment_allocated()->mutable_payment() = *payment;
  if (absl::Status s = PublishAndApply({*event}); !s.ok()) return s;
  return *payment;
}

absl::StatusOr<StatementInput> SettlementApp::LoadInput(
    const std::string& provider_id, absl::CivilMonth period,
    const RateBook* rates) {
  StatementInput in;
  in.provider_id = provider_id;
  in.period = period;
  in.rates = rates;
  const std::string period_text = FormatPeriod(period);
  absl::StatusOr<std::optional<bool>> in_house =
      store_->ProviderInHouse(provider_id);
  if (!in_house.ok()) return in_house.status();
  if (!in_house->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: '", provider_id,
                     "' is not known from the registry events (yet)"));
  }
  in.in_house = **in_house;
  absl::StatusOr<v1::ListingRule> rule = store_->GetListingRule();
  if (!rule.ok()) return rule.status();
  in.listing_rule = rule->kind();
  absl::StatusOr<std::vector<visits::v1::Visit>> visits =
      store_->Visits(provider_id, period_text);
  if (!visits.ok()) return visits.status();
  in.visits = std::move(*visits);
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> adjustments =
      store_->Adjustments(provider_id);
  if (!adjustments.ok()) return adjustments.status();
  absl::StatusOr<std::set<std::string>> booked =
      store_->BookedAdjustments(provider_id);
  if (!booked.ok()) return booked.status();
  for (const auto& e : *adjustments) {
    if (booked->count(e.event_id())) continue;
    Adjustment a = ToAdjustment(e);
    // Booked in the first statement after the locked period.
    if (a.adjusts_period.empty() || a.adjusts_period >= period_text) continue;
    in.adjustments.push_back(std::move(a));
  }
  absl::StatusOr<std::vector<choice::v1::Assignment>> assignments =
      store_->Assignments(provider_id);
  if (!assignments.ok()) return assignments.status();
  in.assignments = std::move(*assignments);
  std::set<std::string> clients;
  for (const auto& a : in.assignments) clients.insert(a.client_id());
  absl::StatusOr<std::map<std::string, std::vector<choice::v1::Decision>>>
      decisions = store_->Decisions(clients);
  if (!decisions.ok()) return decisions.status();
  in.decisions_by_client = std::move(*decisions);
  absl::StatusOr<std::map<std::string, v1::ZoneArea>> zones =
      store_->ZoneAreas();
  if (!zones.ok()) return zones.status();
  in.zone_areas = std::move(*zones);
  absl::StatusOr<std::vector<v1::OneOffPayment>> one_offs = store_->OneOffs();
  if (!one_offs.ok()) return one_offs.status();
  for (auto& p : *one_offs) {
    if (p.paid_in_period() == period_text) in.one_offs.push_back(std::move(p));
  }
  return in;
}

absl::StatusOr<v1::Statement> SettlementApp::Compute(
    const std::string& provider_id, absl::CivilMonth period,
    std::vector<Adjustment>* adjustments) {
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  const RateBook rates(*tables);
  absl::StatusOr<StatementInput> input = LoadInput(provider_id, period, &rates);
  if (!input.ok()) return input.status();
  if (adjustments != nullptr) *adjustments = input->adjustments;
  return BuildStatement(*input);
}

absl::StatusOr<v1::Statement> SettlementApp::Current(
    const std::string& provider_id, const std::string& period) {
  if (absl::Status s = RequireProvider(provider_id); !s.ok()) return s;
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(period);
  if (!month.ok()) return month.status();
  absl::StatusOr<std::optional<v1::Statement>> approved =
      store_->Approved(provider_id, period);
  if (!approved.ok()) return approved.status();
  if (approved->has_value()) return **approved;
  return Compute(provider_id, *month, nullptr);
}

absl::StatusOr<v1::Statement> SettlementApp::PreviewStatement(
    const v1::PreviewStatementRequest& request) {
  absl::StatusOr<v1::Statement> statement =
      Current(request.provider_id(), request.period());
  if (!statement.ok()) return statement.status();
  // An approved period is returned as approved; nothing is recomputed.
  if (statement->status() == v1::STATEMENT_STATUS_APPROVED) return statement;
  absl::StatusOr<v1::SettlementEvent> event =
      NewEvent(statement->statement_id());
  if (!event.ok()) return event.status();
  v1::StatementPreviewed* p = event->mutable_statement_previewed();
  p->set_statement_id(statement->statement_id());
  p->set_provider_id(statement->provider_id());
  p->set_period(statement->period());
  p->set_total_ore(statement->total_ore());
  p->set_net_ore(statement->net_ore());
  p->set_vat_ore(statement->vat_ore());
  p->set_digest(statement->digest());
  p->set_line_count(statement->lines_size());
  if (absl::Status s = PublishAndApply({*event}); !s.ok()) return s;
  return statement;
}

absl::StatusOr<v1::Statement> SettlementApp::ApproveStatement(
    const v1::ApproveStatementRequest& request) {
  if (absl::Status s = RequireProvider(request.provider_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  const std::string id = StatementId(request.provider_id(), request.period());
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock = store_->Lock(id);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::optional<v1::Statement>> approved =
      store_->Approved(request.provider_id(), request.period());
  if (!approved.ok()) return approved.status();
  if (approved->has_value()) return **approved;  // approving again: the same
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
        "expected_digest: the statement changed since that preview (now ",
        statement->digest(), ", total ", statement->total_ore(),
        " öre); preview again and approve the new digest"));
  }
  statement->set_status(v1::STATEMENT_STATUS_APPROVED);
  *statement->mutable_approved_at() = ToProtoTime(clock_->Now());
  statement->set_approved_by(request.approved_by());

  std::vector<v1::SettlementEvent> events;
  // One AdjustmentCreated per correction booked here, with its own net
  // difference (the statement's lines group several corrections).
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  const RateBook rates(*tables);
  for (const Adjustment& a : adjustments) {
    StatementInput alone;
    alone.provider_id = request.provider_id();
    alone.period = *month;
    alone.in_house = statement->in_house();
    alone.rates = &rates;
    absl::StatusOr<std::map<std::string, v1::ZoneArea>> zones =
        store_->ZoneAreas();
    if (!zones.ok()) return zones.status();
    alone.zone_areas = std::move(*zones);
    alone.adjustments = {a};
    absl::StatusOr<v1::Statement> part = BuildStatement(alone);
    if (!part.ok()) return part.status();
    absl::StatusOr<v1::SettlementEvent> event = NewEvent(id);
    if (!event.ok()) return event.status();
    v1::AdjustmentCreated* c = event->mutable_adjustment_created();
    c->set_adjustment_id(a.adjustment_id);
    c->set_provider_id(request.provider_id());
    c->set_visit_id(a.current ? a.current->visit_id() : a.previous->visit_id());
    c->set_adjusts_period(a.adjusts_period);
    c->set_booked_in_period(request.period());
    c->set_statement_id(id);
    c->set_net_ore(part->net_ore());
    events.push_back(std::move(*event));
  }
  // The sources in parts of bounded size first, then the approval itself
  // with the lines alone: no event grows with the size of the month.
  SplitStatement split = SplitSources(*statement, sources_part_bytes_);
  for (auto& part : split.parts) {
    absl::StatusOr<v1::SettlementEvent> event = NewEvent(id);
    if (!event.ok()) return event.status();
    *event->mutable_statement_sources_recorded() = std::move(part);
    events.push_back(std::move(*event));
  }
  absl::StatusOr<v1::SettlementEvent> event = NewEvent(id);
  if (!event.ok()) return event.status();
  v1::StatementApproved* a = event->mutable_statement_approved();
  a->set_statement_id(id);
  a->set_provider_id(request.provider_id());
  a->set_period(request.period());
  a->set_total_ore(statement->total_ore());
  a->set_net_ore(statement->net_ore());
  a->set_vat_ore(statement->vat_ore());
  a->set_digest(statement->digest());
  *a->mutable_statement() = std::move(split.lines);
  a->set_source_parts(static_cast<int32_t>(split.parts.size()));
  events.push_back(std::move(*event));
  if (absl::Status s = PublishAndApply(events); !s.ok()) return s;
  log::Info("statement approved",
            {{"statement_id", id}, {"total_ore", statement->total_ore()}});
  return statement;
}

absl::StatusOr<v1::Statement> SettlementApp::GetStatement(
    const v1::GetStatementRequest& request) {
  return Current(request.provider_id(), request.period());
}

absl::StatusOr<v1::ExportStatementResponse> SettlementApp::ExportStatement(
    const v1::ExportStatementRequest& request) {
  if (request.format() == v1::EXPORT_FORMAT_UNSPECIFIED) {
    return absl::InvalidArgumentError("format: CSV or JSON is required");
  }
  absl::StatusOr<v1::Statement> statement =
      Current(request.provider_id(), request.period());
  if (!statement.ok()) return statement.status();
  v1::ExportStatementResponse out;
  const std::string base =
      absl::StrCat("statement-", request.provider_id(), "-", request.period());
  if (request.format() == v1::EXPORT_FORMAT_CSV) {
    out.set_file_name(base + ".csv");
    out.set_content_type("text/csv; charset=utf-8");
    out.set_content(StatementCsv(*statement));
  } else {
    out.set_file_name(base + ".json");
    out.set_content_type("application/json");
    out.set_content(StatementJson(*statement));
  }
  return out;
}

absl::StatusOr<v1::FollowUp> SettlementApp::GetFollowUp(
    const v1::GetFollowUpRequest& request) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  const std::string earlier = FormatPeriod(*month - 12);
  std::vector<std::string> providers;
  if (!request.provider_id().empty()) {
    providers.push_back(request.provider_id());
  } else {
    absl::StatusOr<std::vector<std::string>> all = store_->Providers();
    if (!all.ok()) return all.status();
    providers = std::move(*all);
  }
  std::vector<v1::Statement> now, before;
  for (const std::string& provider : providers) {
    for (auto [period, out] :
         {std::pair{request.period(), &now}, std::pair{earlier, &before}}) {
      absl::StatusOr<v1::Statement> s = Current(provider, period);
      if (absl::IsNotFound(s.status())) continue;  // not in the registry
      if (!s.ok()) return s.status();
      if (s->lines_size() == 0 && s->performed_seconds() == 0) continue;
      out->push_back(std::move(*s));
    }
  }
  return BuildFollowUp(request.period(), earlier, now, before);
}

}  // namespace lov::settlement
