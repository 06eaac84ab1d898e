#ifndef LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_TEST_SUPPORT_H_
#define LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_TEST_SUPPORT_H_

// SettlementApp on memory: a map-based store with the Redis store's
// semantics (hashes read back in key order, an approved statement written
// once, versions counted per aggregate), a publisher that records each batch
// and can be told to fail, and a fixed clock. Amounts are worked by hand
// from the January 2024 rates of domain/test_rates.h.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fixed_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace test_support {

using Payload = v1::SettlementEvent::PayloadCase;

// ------------------------------------------------------------ fakes

// Values of a map, in key order (what HGETALL gives the Redis store after
// its sort).
template <typename Value>
std::vector<Value> InKeyOrder(const std::map<std::string, Value>& by_key) {
  std::vector<Value> out;
  for (const auto& [key, value] : by_key) out.push_back(value);
  return out;
}

class FakeSettlementStore : public SettlementStore {
 public:
  absl::Status PutVisit(const visits::v1::Visit& visit) override {
    visits_[visit.provider_id()][visit.period()][visit.visit_id()] = visit;
    providers_.insert(visit.provider_id());
    return absl::OkStatus();
  }
  absl::Status RemoveVisit(const std::string& provider_id,
                           const std::string& period,
                           const std::string& visit_id) override {
    visits_[provider_id][period].erase(visit_id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<visits::v1::Visit>> Visits(
      const std::string& provider_id, const std::string& period) override {
    return InKeyOrder(visits_[provider_id][period]);
  }
  absl::Status PutAdjustment(const std::string& provider_id,
                             const visits::v1::VisitEvent& event) override {
    adjustments_[provider_id][event.event_id()] = event;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> Adjustments(
      const std::string& provider_id) override {
    return InKeyOrder(adjustments_[provider_id]);
  }
  absl::Status MarkVisitEventApplied(const std::string& provider_id,
                                     const std::string& period,
                                     const std::string& event_id) override {
    applied_.insert(provider_id + ":" + period + ":" + event_id);
    return absl::OkStatus();
  }
  absl::StatusOr<bool> VisitEventApplied(const std::string& provider_id,
                                         const std::string& period,
                                         const std::string& event_id) override {
    return applied_.count(provider_id + ":" + period + ":" + event_id) > 0;
  }
  absl::Status UnmarkVisitEventApplied(const std::string& provider_id,
                                       const std::string& period,
                                       const std::string& event_id) override {
    applied_.erase(provider_id + ":" + period + ":" + event_id);
    return absl::OkStatus();
  }
  absl::Status LogVisitEvent(const std::string& provider_id,
                             const std::string& period,
                             const visits::v1::VisitEvent& event) override {
    visit_log_[provider_id + ":" + period][event.event_id()] = event;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> LoggedVisitEvents(
      const std::string& provider_id, const std::string& period) override {
    return InKeyOrder(visit_log_[provider_id + ":" + period]);
  }
  absl::Status DropVisitLog(const std::string& provider_id,
                            const std::string& period) override {
    visit_log_.erase(provider_id + ":" + period);
    return absl::OkStatus();
  }
  absl::Status PutApprovedInputs(const std::string& provider_id,
                                 const std::string& period,
                                 const MonthInputs& inputs) override {
    inputs_[provider_id + ":" + period] = inputs;
    return absl::OkStatus();
  }
  absl::StatusOr<InputLookup> ApprovedInputs(
      const std::string& provider_id, const std::string& period,
      const std::vector<std::string>& visit_ids) override {
    InputLookup out;
    auto month = inputs_.find(provider_id + ":" + period);
    if (month == inputs_.end()) return out;
    out.recorded = true;
    for (const std::string& id : visit_ids) {
      auto it = month->second.find(id);
      if (it != month->second.end()) out.states[id] = it->second;
    }
    return out;
  }
  // The whole state a projection keeps about visits, to compare two orders
  // of the same events.
  std::string VisitStateDump() const {
    std::string out;
    for (const auto& [provider, periods] : visits_) {
      for (const auto& [period, visits] : periods) {
        for (const auto& [id, v] : visits) {
          absl::StrAppend(&out, "visit ", provider, " ", period, " ", id, "@",
                          v.version(), "\n");
        }
      }
    }
    for (const auto& [provider, adjustments] : adjustments_) {
      for (const auto& [id, e] : adjustments) {
        absl::StrAppend(&out, "adjustment ", provider, " ", id, " ",
                        e.ShortDebugString(), "\n");
      }
    }
    for (const std::string& a : applied_)
      absl::StrAppend(&out, "applied ", a, "\n");
    for (const auto& [key, log] : visit_log_) {
      for (const auto& [id, e] : log)
        absl::StrAppend(&out, "log ", key, " ", id, "\n");
    }
    return out;
  }
  absl::Status PutAssignment(const choice::v1::Assignment& a) override {
    assignments_[a.provider_id()][a.assignment_id()] = a;
    providers_.insert(a.provider_id());
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<choice::v1::Assignment>> Assignments(
      const std::string& provider_id) override {
    return InKeyOrder(assignments_[provider_id]);
  }
  absl::Status PutDecision(const std::string& client_id,
                           const choice::v1::Decision& d) override {
    decisions_[client_id][d.decision_id()] = d;
    return absl::OkStatus();
  }
  absl::StatusOr<std::map<std::string, std::vector<choice::v1::Decision>>>
  Decisions(const std::set<std::string>& client_ids) override {
    std::map<std::string, std::vector<choice::v1::Decision>> out;
    for (const std::string& client : client_ids) {
      auto it = decisions_.find(client);
      if (it != decisions_.end() && !it->second.empty()) {
        out[client] = InKeyOrder(it->second);
      }
    }
    return out;
  }
  absl::Status SetZoneAreas(
      const std::map<std::string, v1::ZoneArea>& areas) override {
    zones_ = areas;
    return absl::OkStatus();
  }
  absl::StatusOr<std::map<std::string, v1::ZoneArea>> ZoneAreas() override {
    return zones_;
  }
  absl::Status SetProviderKind(const std::string& provider_id,
                               bool in_house) override {
    in_house_[provider_id] = in_house;
    providers_.insert(provider_id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<bool>> ProviderInHouse(
      const std::string& provider_id) override {
    auto it = in_house_.find(provider_id);
    if (it == in_house_.end()) return std::optional<bool>();
    return std::optional<bool>(it->second);
  }
  absl::StatusOr<std::vector<std::string>> Providers() override {
    return std::vector<std::string>(providers_.begin(), providers_.end());
  }
  absl::Status PutProviderParty(
      const registry::v1::Provider& provider,
      const registry::v1::PaymentDetails* details_or_null) override {
    parties_[provider.provider_id()] = provider;
    if (details_or_null != nullptr) {
      payment_[provider.provider_id()] = *details_or_null;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<ProviderFinance> ProviderFinanceOf(
      std::string_view provider_id) override {
    ProviderFinance out;
    if (auto it = parties_.find(std::string(provider_id));
        it != parties_.end()) {
      out.party = it->second;
    }
    if (auto it = payment_.find(std::string(provider_id));
        it != payment_.end()) {
      out.payment = it->second;
    }
    return out;
  }
  absl::Status PutRateTable(const v1::RateTable& table) override {
    rates_[table.effective_date()] = table;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::RateTable>> RateTables() override {
    return InKeyOrder(rates_);
  }
  absl::Status PutFinanceSettings(const v1::FinanceSettings& s) override {
    if (!finance_settings_ || finance_settings_->version() <= s.version()) {
      finance_settings_ = s;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::FinanceSettings>> GetFinanceSettings()
      override {
    return finance_settings_;
  }
  absl::Status SetListingRule(const v1::ListingRule& rule) override {
    listing_rule_ = rule;
    return absl::OkStatus();
  }
  absl::StatusOr<v1::ListingRule> GetListingRule() override {
    if (listing_rule_) return *listing_rule_;
    v1::ListingRule rule;  // until one is set
    rule.set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
    return rule;
  }
  absl::Status PutOneOff(const v1::OneOffPayment& payment) override {
    one_offs_[payment.payment_id()] = payment;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::OneOffPayment>> OneOffs() override {
    return InKeyOrder(one_offs_);
  }
  absl::Status PutMonthRun(const v1::MonthRun& run, bool latest) override {
    month_runs_[run.period()][run.run_digest()] = run;
    if (latest) latest_month_run_[run.period()] = run.run_digest();
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::MonthRun>> GetMonthRun(
      const std::string& period, const std::string& run_digest) override {
    std::string digest = run_digest;
    if (digest.empty()) {
      auto latest = latest_month_run_.find(period);
      if (latest == latest_month_run_.end()) {
        return std::optional<v1::MonthRun>();
      }
      digest = latest->second;
    }
    auto runs = month_runs_.find(period);
    if (runs == month_runs_.end()) return std::optional<v1::MonthRun>();
    auto it = runs->second.find(digest);
    if (it == runs->second.end()) return std::optional<v1::MonthRun>();
    return std::optional<v1::MonthRun>(it->second);
  }
  // Written once (HSETNX); the period and booked adjustments are added
  // whatever. `fail_put_approved_` fails it, as a Redis that is down.
  absl::Status PutApproved(const v1::Statement& s) override {
    if (!fail_put_approved_.ok()) return fail_put_approved_;
    approved_.emplace(s.statement_id(), s);
    pending_.erase(s.statement_id());
    approved_periods_.insert(s.period());
    for (const auto& id : s.adjustment_ids()) {
      booked_[s.provider_id()].insert(id);
    }
    return absl::OkStatus();
  }
  absl::Status PutSourcesPart(
      const v1::StatementSourcesRecorded& part) override {
    sources_parts_[part.statement_id()][part.part()] = part;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::StatementSourcesRecorded>> SourcesParts(
      const std::string& statement_id) override {
    std::vector<v1::StatementSourcesRecorded> out;
    for (const auto& [n, part] : sources_parts_[statement_id]) {
      out.push_back(part);
    }
    return out;
  }
  absl::Status DropSourcesParts(const std::string& statement_id) override {
    sources_parts_.erase(statement_id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::Statement>> Approved(
      const std::string& provider_id, const std::string& period) override {
    auto it = approved_.find(StatementId(provider_id, period));
    if (it == approved_.end()) return std::optional<v1::Statement>();
    return std::optional<v1::Statement>(it->second);
  }
  absl::Status PutPendingApproval(const std::string& statement_id,
                                  const PendingApproval& pending) override {
    if (!pending_.emplace(statement_id, pending).second) {
      return absl::AbortedError("another approval is being published");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<PendingApproval>> GetPendingApproval(
      const std::string& statement_id) override {
    auto it = pending_.find(statement_id);
    if (it == pending_.end()) return std::optional<PendingApproval>();
    return std::optional<PendingApproval>(it->second);
  }
  absl::Status DropPendingApproval(const std::string& statement_id,
                                   const std::string& attempt) override {
    auto it = pending_.find(statement_id);
    if (it != pending_.end() && it->second.attempt == attempt) {
      pending_.erase(it);
    }
    return absl::OkStatus();
  }
  absl::Status RecordRequest(const v1::SettlementEvent& event) override {
    if (!event.request_id().empty()) {
      requests_[event.request_id()] = {event.request_fingerprint(),
                                       event.aggregate_id()};
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  absl::StatusOr<bool> IsApproved(const std::string& provider_id,
                                  const std::string& period) override {
    return approved_.count(StatementId(provider_id, period)) > 0;
  }
  absl::StatusOr<std::string> LatestApprovedPeriod() override {
    return approved_periods_.empty() ? std::string()
                                     : *approved_periods_.rbegin();
  }
  absl::StatusOr<std::set<std::string>> BookedAdjustments(
      const std::string& provider_id) override {
    return booked_[provider_id];
  }
  // Counted up whether or not the event is then stored (INCR).
  absl::StatusOr<int64_t> NextVersion(
      const std::string& aggregate_id) override {
    return ++versions_[aggregate_id];
  }
  absl::Status SeenVersion(const std::string& aggregate_id,
                           int64_t version) override {
    versions_[aggregate_id] = std::max(versions_[aggregate_id], version);
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override {
    locked_.push_back(aggregate_id);
    return std::make_unique<AggregateLock>();
  }

  size_t SourcesPartsKept(const std::string& statement_id) {
    return sources_parts_[statement_id].size();
  }

  std::vector<std::string> locked_;
  absl::Status fail_put_approved_;

 private:
  std::map<std::string,
           std::map<std::string, std::map<std::string, visits::v1::Visit>>>
      visits_;
  std::map<std::string, std::map<std::string, visits::v1::VisitEvent>>
      adjustments_;
  std::set<std::string> applied_;
  std::map<std::string, std::map<std::string, visits::v1::VisitEvent>>
      visit_log_;
  std::map<std::string, MonthInputs> inputs_;
  std::map<std::string, std::map<std::string, choice::v1::Assignment>>
      assignments_;
  std::map<std::string, std::map<std::string, choice::v1::Decision>> decisions_;
  std::map<std::string, v1::ZoneArea> zones_;
  std::map<std::string, bool> in_house_;
  std::set<std::string> providers_;
  std::map<std::string, registry::v1::Provider> parties_;
  std::map<std::string, registry::v1::PaymentDetails> payment_;
  std::map<std::string, v1::RateTable> rates_;
  std::optional<v1::ListingRule> listing_rule_;
  std::optional<v1::FinanceSettings> finance_settings_;
  std::map<std::string, v1::OneOffPayment> one_offs_;
  std::map<std::string, std::map<std::string, v1::MonthRun>> month_runs_;
  std::map<std::string, std::string> latest_month_run_;
  std::map<std::string, v1::Statement> approved_;
  std::set<std::string> approved_periods_;
  std::map<std::string, std::set<std::string>> booked_;
  std::map<std::string, std::map<int32_t, v1::StatementSourcesRecorded>>
      sources_parts_;
  std::map<std::string, int64_t> versions_;
  std::map<std::string, PendingApproval> pending_;
  std::map<std::string, RequestRecord> requests_;
};

// The event log: what was published, in order. `fail_with_` fails a
// publish before anything is stored; `unknown_with_` stores the events and
// still fails, as a publish that timed out after the broker took them.
class RecordingPublisher : public EventPublisher {
 public:
  absl::Status Publish(
      const std::vector<v1::SettlementEvent>& events) override {
    if (!fail_with_.ok()) return fail_with_;
    for (const auto& e : events) {
      events_.push_back(e);
      log_.push_back(e);
    }
    return unknown_with_;
  }
  std::vector<v1::SettlementEvent> events_;
  std::vector<v1::SettlementEvent> log_;  // events_, never cleared
  absl::Status fail_with_;
  absl::Status unknown_with_;
};

// The own topic: every event the publisher took.
class RecordedOwnEvents : public OwnEvents {
 public:
  explicit RecordedOwnEvents(const RecordingPublisher* log) : log_(log) {}
  absl::Status Read(
      const std::string& aggregate_id,
      const std::function<absl::Status(const v1::SettlementEvent&)>& handle)
      override {
    ++reads_;
    for (const auto& e : log_->log_) {
      if (e.aggregate_id() != aggregate_id) continue;
      if (absl::Status s = handle(e); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  int reads_ = 0;

 private:
  const RecordingPublisher* log_;
};

using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;
// The tests' "now": 09:00 UTC on Monday 5 February 2024: January has ended.
inline absl::Time TestNow() { return UtcTime(2024, 2, 5, 9); }

inline std::vector<Payload> PayloadsOf(
    const std::vector<v1::SettlementEvent>& events) {
  std::vector<Payload> out;
  for (const auto& e : events) out.push_back(e.payload_case());
  return out;
}

// ------------------------------------------------------------ setup

inline constexpr char kProvider[] = "prv-a";
inline constexpr char kOtherProvider[] = "prv-b";

// A performed visit of `provider` in January 2024 (times in UTC; Stockholm
// is an hour ahead in winter).
inline visits::v1::Visit JanuaryVisit(const std::string& provider,
                                      const std::string& id,
                                      const std::string& category,
                                      const std::string& start_utc,
                                      const std::string& end_utc) {
  visits::v1::Visit v = testing::MakeVisit(id, category, start_utc, end_utc);
  v.set_provider_id(provider);
  v.set_period("2024-01");
  return v;
}

class SettlementAppFixture : public ::testing::Test {
 protected:
  // prv-a (private) with two January visits by day:
  //   personal care Wed 17 Jan 09:00-11:00, 2 h x 516 kr = 1 032.00 kr;
  //   service Thu 18 Jan 09:00-10:30, 1.5 h x 410 kr = 615.00 kr, and
  //   25 % VAT on it: 153.75 kr.
  // Net 1 647.00 kr, VAT 153.75 kr, total 1 800.75 kr.
  void SetUpJanuary() {
    ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
    ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
    ASSERT_TRUE(store_
                    .PutVisit(JanuaryVisit(kProvider, "v-care", "personal-care",
                                           "2024-01-17T08:00:00Z",
                                           "2024-01-17T10:00:00Z"))
                    .ok());
    ASSERT_TRUE(store_
                    .PutVisit(JanuaryVisit(kProvider, "v-service", "service",
                                           "2024-01-18T08:00:00Z",
                                           "2024-01-18T09:30:00Z"))
                    .ok());
    publisher_.events_.clear();
  }

  static v1::AddRateTableRequest AddRates(const v1::RateTable& table) {
    v1::AddRateTableRequest r;
    *r.mutable_table() = table;
    return r;
  }

  absl::StatusOr<v1::Statement> Preview(const std::string& provider,
                                        const std::string& period) {
    v1::PreviewStatementRequest r;
    r.set_provider_id(provider);
    r.set_period(period);
    return app_.PreviewStatement(r);
  }

  // A controller's approval of what the preview showed, with a request id
  // of its own.
  static v1::ApproveStatementRequest ApprovalOf(const v1::Statement& preview) {
    v1::ApproveStatementRequest r;
    r.set_request_id(NewUuid());
    r.set_provider_id(preview.provider_id());
    r.set_period(preview.period());
    r.set_expected_digest(preview.digest());
    r.set_approved_by("controller-1");
    return r;
  }

  // Previews and approves a month, as a controller would.
  absl::StatusOr<v1::Statement> PreviewAndApprove(const std::string& provider,
                                                  const std::string& period) {
    absl::StatusOr<v1::Statement> preview = Preview(provider, period);
    if (!preview.ok()) return preview.status();
    return app_.ApproveStatement(ApprovalOf(*preview));
  }

  // 1 000.01 kr of transition support by January's performed hours, paid
  // in `paid_in`.
  static v1::CreateOneOffPaymentRequest TransitionSupport(
      const std::string& paid_in = "2024-02") {
    v1::CreateOneOffPaymentRequest r;
    r.set_payment_id("transition-2024");
    r.set_description("Transition support");
    r.set_total_ore(100001);
    r.set_rule(v1::ONE_OFF_RULE_PERFORMED_HOURS);
    r.set_basis_period("2024-01");
    r.set_paid_in_period(paid_in);
    return r;
  }

  FakeSettlementStore store_;
  RecordingPublisher publisher_;
  RecordedOwnEvents own_events_{&publisher_};
  FixedClock clock_{TestNow()};
  // Small sources parts, so that an approval is split into several.
  SettlementApp app_{&store_, &publisher_, &own_events_, &clock_,
                     /*sources_part_bytes=*/16};
};

}  // namespace test_support
}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_SETTLEMENT_APP_TEST_SUPPORT_H_
