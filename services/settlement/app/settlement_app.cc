// What settlement's use cases share: the write path's ports, and the
// statement as it stands now, computed from the stored inputs.
#include "lov/settlement/app/settlement_app.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/domain/day_adjustments.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {
namespace {

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

// Whether the provider is in-house; NotFound until the registry's events
// have named it.
absl::Status LoadProviderKind(SettlementStore* store, StatementInput& in) {
  absl::StatusOr<std::optional<bool>> in_house =
      store->ProviderInHouse(in.provider_id);
  if (!in_house.ok()) return in_house.status();
  if (!in_house->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: '", in.provider_id,
                     "' is not known from the registry events (yet)"));
  }
  in.in_house = **in_house;
  return absl::OkStatus();
}

// Corrections of locked periods before this one that no approved statement
// has booked yet: booked in the first statement after the locked period.
absl::Status LoadPendingAdjustments(SettlementStore* store,
                                    const std::string& period,
                                    StatementInput& in) {
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> adjustments =
      store->Adjustments(in.provider_id);
  if (!adjustments.ok()) return adjustments.status();
  absl::StatusOr<std::set<std::string>> booked =
      store->BookedAdjustments(in.provider_id);
  if (!booked.ok()) return booked.status();
  std::vector<Adjustment> booked_before;
  for (const auto& e : *adjustments) {
    Adjustment a = ToAdjustment(e);
    if (booked->count(e.event_id())) {
      booked_before.push_back(std::move(a));
      continue;
    }
    if (a.adjusts_period.empty() || a.adjusts_period >= period) continue;
    in.adjustments.push_back(std::move(a));
  }
  if (in.adjustments.empty()) return absl::OkStatus();
  // What the locked periods pay now, for the day models' difference of days.
  OrderAdjustments(in.adjustments);
  std::map<std::string, std::vector<visits::v1::Visit>> approved_visits;
  for (const Adjustment& a : in.adjustments) {
    if (approved_visits.count(a.adjusts_period)) continue;
    absl::StatusOr<std::vector<visits::v1::Visit>> paid =
        store->Visits(in.provider_id, a.adjusts_period);
    if (!paid.ok()) return paid.status();
    approved_visits[a.adjusts_period] = std::move(*paid);
  }
  SetPaidBefore(approved_visits, std::move(booked_before), in.adjustments);
  return absl::OkStatus();
}

// The provider's assignments and the decisions of the clients in them.
absl::Status LoadAssignments(SettlementStore* store, StatementInput& in) {
  absl::StatusOr<std::vector<choice::v1::Assignment>> assignments =
      store->Assignments(in.provider_id);
  if (!assignments.ok()) return assignments.status();
  in.assignments = std::move(*assignments);
  std::set<std::string> clients;
  for (const auto& a : in.assignments) clients.insert(a.client_id());
  absl::StatusOr<std::map<std::string, std::vector<choice::v1::Decision>>>
      decisions = store->Decisions(clients);
  if (!decisions.ok()) return decisions.status();
  in.decisions_by_client = std::move(*decisions);
  return absl::OkStatus();
}

// How far back a support level changed after its month's approval is
// still adjusted (support_level_changes.h).
constexpr int kLevelLookBackMonths = 24;

// The provider's approved statements of the months before this one that
// paid days by support level: from the first rate table with such a
// category, at most kLevelLookBackMonths back. None without one.
absl::Status LoadApprovedBefore(SettlementStore* store, StatementInput& in) {
  std::optional<absl::CivilMonth> first;
  for (const v1::RateTable& t : in.rates->All()) {
    const bool by_level = std::any_of(
        t.categories().begin(), t.categories().end(), [](const auto& c) {
          return c.model() == v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL;
        });
    absl::StatusOr<absl::CivilDay> from = ParseDate(t.effective_date());
    if (!by_level || !from.ok()) continue;
    const absl::CivilMonth month(*from);
    if (!first || month < *first) first = month;
  }
  if (!first) return absl::OkStatus();
  for (absl::CivilMonth m = std::max(*first, in.period - kLevelLookBackMonths);
       m < in.period; ++m) {
    absl::StatusOr<std::optional<v1::Statement>> approved =
        store->Approved(in.provider_id, FormatPeriod(m));
    if (!approved.ok()) return approved.status();
    if (approved->has_value()) in.approved_before.push_back(**approved);
  }
  return absl::OkStatus();
}

}  // namespace

SettlementApp::SettlementApp(SettlementStore* store, EventPublisher* publisher,
                             OwnEvents* own_events, const Clock* clock,
                             size_t sources_part_bytes)
    : store_(store),
      own_events_(own_events),
      clock_(clock),
      sources_part_bytes_(sources_part_bytes),
      runner_(
          {.lock = [store](const std::string& key) { return store->Lock(key); },
           .find_request =
               [store](const std::string& id) { return store->GetRequest(id); },
           .publish =
               [publisher](const std::vector<Event>& events) {
                 return publisher->Publish(events);
               },
           .apply =
               [store](const Event& e) {
                 return Projector(store).ApplySettlementEvent(e);
               }},
          clock) {}

absl::StatusOr<v1::SettlementEvent> SettlementApp::NextEvent(
    const std::string& aggregate_id) {
  absl::StatusOr<int64_t> version = store_->NextVersion(aggregate_id);
  if (!version.ok()) return version.status();
  v1::SettlementEvent e;
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(*version);
  return e;
}

absl::StatusOr<absl::CivilMonth> SettlementApp::StatementMonth(
    const std::string& provider_id, const std::string& period) {
  if (provider_id.empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  return ParsePeriod(period);
}

absl::StatusOr<StatementInput> SettlementApp::LoadInput(
    const std::string& provider_id, absl::CivilMonth period,
    const RateBook* rates) {
  StatementInput in;
  in.provider_id = provider_id;
  in.period = period;
  in.rates = rates;
  const std::string period_text = FormatPeriod(period);
  if (absl::Status s = LoadProviderKind(store_, in); !s.ok()) return s;
  absl::StatusOr<v1::ListingRule> rule = store_->GetListingRule();
  if (!rule.ok()) return rule.status();
  in.listing_rule = rule->kind();
  absl::StatusOr<std::vector<visits::v1::Visit>> visits =
      store_->Visits(provider_id, period_text);
  if (!visits.ok()) return visits.status();
  in.visits = std::move(*visits);
  if (absl::Status s = LoadPendingAdjustments(store_, period_text, in);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = LoadAssignments(store_, in); !s.ok()) return s;
  if (absl::Status s = LoadApprovedBefore(store_, in); !s.ok()) return s;
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
    std::vector<Adjustment>* adjustments,
    std::vector<visits::v1::Visit>* visits) {
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  const RateBook rates(*tables);
  absl::StatusOr<StatementInput> input = LoadInput(provider_id, period, &rates);
  if (!input.ok()) return input.status();
  if (adjustments != nullptr) *adjustments = input->adjustments;
  absl::StatusOr<v1::Statement> statement = BuildStatement(*input);
  if (visits != nullptr) *visits = std::move(input->visits);
  return statement;
}

absl::StatusOr<v1::Statement> SettlementApp::Current(
    const std::string& provider_id, const std::string& period) {
  absl::StatusOr<absl::CivilMonth> month = StatementMonth(provider_id, period);
  if (!month.ok()) return month.status();
  absl::StatusOr<std::optional<v1::Statement>> approved =
      store_->Approved(provider_id, period);
  if (!approved.ok()) return approved.status();
  if (approved->has_value()) return **approved;
  return Compute(provider_id, *month, nullptr);
}

}  // namespace lov::settlement
