// The visits ports on memory, for application tests without Kafka or
// Redis: a store with the Redis store's semantics (adapters/
// redis_visit_store.cc: reservations where the first writer wins and an
// overlap takes the report as a rejection, the interval indexes, versions
// that only move forward, request fingerprints, the counts per month and the
// upstream facts), a publisher that records what it publishes and can be
// told to fail, the end of the own topic, and a fixed clock.
#ifndef LOV_SERVICES_VISITS_TESTS_VISITS_FAKES_H_
#define LOV_SERVICES_VISITS_TESTS_VISITS_FAKES_H_

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fixed_clock.h"
#include "lov/platform/clock.h"
#include "lov/platform/proto_util.h"
#include "lov/visits/ports.h"

namespace lov::visits {

class FakeVisitStore : public VisitStore {
 public:
  // ---- the upstream facts, as the projection records them
  void SetMunicipality(const registry::v1::Municipality& m) {
    municipality_ = m;
  }
  void AddAssignment(const choice::v1::Assignment& a) {
    assignments_[a.client_id()][a.assignment_id()] = a;
  }
  void AddDecision(const std::string& client_id,
                   const choice::v1::Decision& d) {
    decisions_[client_id][d.decision_id()] = d;
    decision_clients_.insert(client_id);
  }
  void LockPeriod(const std::string& provider_id, const std::string& period) {
    locked_[provider_id].insert(period);
  }

  // ---- VisitStore
  absl::StatusOr<std::vector<VerificationContext>> LoadContexts(
      const std::vector<ContextKey>& keys) override {
    std::vector<VerificationContext> out;
    for (const ContextKey& k : keys) {
      VerificationContext ctx;
      ctx.municipality = municipality_;
      for (const auto& [id, a] : assignments_[k.client_id]) {
        ctx.assignments.push_back(a);
      }
      for (const auto& [id, d] : decisions_[k.client_id]) {
        ctx.decisions.push_back(d);
      }
      ctx.locked_periods = locked_[k.provider_id];
      for (const auto& [cell, sum] : performed_[k.client_id][k.period]) {
        if (cell.second == k.category_id) {
          ctx.performed_minutes_in_month += sum.client_minutes;
        }
      }
      out.push_back(std::move(ctx));
    }
    return out;
  }

  absl::StatusOr<std::vector<ReserveResult>> Reserve(
      const std::vector<Reservation>& reservations, const std::string& owner,
      absl::Duration max_length) override {
    std::vector<ReserveResult> out;
    for (const Reservation& r : reservations) {
      ReserveResult result;
      if (auto it = visits_.find(r.visit_id); it != visits_.end()) {
        result.kind = ReserveResult::Kind::kExisting;
        result.done = it->second.done;
        result.fingerprint = it->second.fingerprint;
        result.owner = it->second.owner;
        result.outcome = it->second.outcome;
      } else if (auto c = Conflict(r, r.visit_id, max_length); c.has_value()) {
        // Reserved as a rejection: it takes no slots.
        visits_[r.visit_id] =
            Record{.owner = owner, .fingerprint = r.fingerprint};
        pending_.insert(r.visit_id);
        result.kind = ReserveResult::Kind::kConflict;
        result.conflict_slot = c->first;
        result.conflict_visit_id = c->second;
      } else {
        Record& rec = visits_[r.visit_id];
        rec = Record{.owner = owner, .fingerprint = r.fingerprint};
        pending_.insert(r.visit_id);
        for (const IndexSlot& s : r.slots) {
          const std::string member = Member(r.end, r.visit_id);
          slots_[s.name][member] = r.start;
          rec.held.emplace_back(s.name, member);
        }
      }
      out.push_back(std::move(result));
    }
    return out;
  }

  absl::StatusOr<std::optional<std::pair<int, std::string>>> FindConflict(
      const Reservation& probe, const std::string& except_visit_id,
      absl::Duration max_length) override {
    return Conflict(probe, except_visit_id, max_length);
  }

  absl::Status ApplyOwn(const std::vector<Applied>& events) override {
    for (const Applied& a : events) {
      if (a.partition >= 0) {
        int64_t& next = applied_[a.topic][a.partition];
        next = std::max(next, a.offset + 1);
      }
      Record& rec = visits_[a.event->aggregate_id()];
      if (a.event->aggregate_version() <= rec.version) continue;
      Advance(rec, *a.event);
      pending_.erase(a.event->aggregate_id());
      history_[a.event->aggregate_id()].push_back(*a.event);
      Count(*a.event);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<VisitRecord>> GetVisit(
      const std::string& visit_id) override {
    auto it = visits_.find(visit_id);
    if (it == visits_.end()) return std::optional<VisitRecord>();
    const Record& r = it->second;
    return std::optional<VisitRecord>(VisitRecord{.done = r.done,
                                                  .owner = r.owner,
                                                  .fingerprint = r.fingerprint,
                                                  .outcome = r.outcome,
                                                  .current = r.current,
                                                  .voided = r.voided,
                                                  .version = r.version});
  }

  absl::StatusOr<std::vector<v1::VisitEvent>> History(
      const std::string& visit_id) override {
    return history_[visit_id];
  }
  absl::StatusOr<std::vector<std::vector<v1::VisitEvent>>> Histories(
      const std::vector<std::string>& visit_ids) override {
    reads_.push_back(absl::StrCat("Histories ", visit_ids.size()));
    std::vector<std::vector<v1::VisitEvent>> out;
    for (const auto& id : visit_ids) out.push_back(history_[id]);
    return out;
  }

  absl::StatusOr<bool> ReleasePending(const std::string& visit_id,
                                      const std::string& owner) override {
    auto it = visits_.find(visit_id);
    if (it == visits_.end() || it->second.done || it->second.owner != owner) {
      return false;
    }
    Release(it->second);
    visits_.erase(it);
    pending_.erase(visit_id);
    return true;
  }

  absl::Status MarkOwnerLost(const std::vector<std::string>& visit_ids,
                             const std::string& owner) override {
    for (const std::string& id : visit_ids) {
      auto it = visits_.find(id);
      if (it != visits_.end() && !it->second.done &&
          it->second.owner == owner) {
        it->second.owner = "lost:" + owner;
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  PendingWithOwners() override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& id : pending_) {
      auto it = visits_.find(id);
      if (it != visits_.end() && !it->second.done) {
        out.emplace_back(id, it->second.owner);
      }
    }
    return out;
  }

  absl::StatusOr<bool> OwnerAlive(const std::string& owner) override {
    return alive_.contains(owner);
  }
  absl::Status Heartbeat(const std::string& owner, absl::Duration) override {
    alive_.insert(owner);
    return absl::OkStatus();
  }
  // An instance that stopped heartbeating (its key expired).
  void Expire(const std::string& owner) { alive_.erase(owner); }

  absl::StatusOr<std::map<int32_t, int64_t>> AppliedOffsets(
      OwnTopic topic) override {
    if (on_applied_offsets_) on_applied_offsets_(topic);
    return applied_[topic];
  }
  // The projection reading on while a caller waits for it: called at each
  // read of an own topic's applied offsets, before the answer.
  std::function<void(OwnTopic)> on_applied_offsets_;

  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& visit_id) override {
    locked_visits_.push_back(visit_id);
    return std::make_unique<AggregateLock>();
  }

  absl::StatusOr<std::optional<std::string>> RequestFingerprint(
      const std::string& request_id) override {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  absl::StatusOr<std::vector<v1::VisitRejected>> ListRejected(
      const std::string& provider_id, const std::string& period) override {
    return rejected_[{provider_id, period}];
  }

  absl::StatusOr<std::vector<ExceptionRef>> ExceptionVisits(
      const std::string& provider_id) override {
    // A sorted set: by the visit's start, then by id.
    std::vector<std::pair<absl::Time, std::string>> by_start;
    for (const auto& [id, start] : exceptions_[provider_id]) {
      by_start.emplace_back(start, id);
    }
    std::sort(by_start.begin(), by_start.end());
    std::vector<ExceptionRef> out;
    for (auto& [start, id] : by_start) {
      out.push_back({absl::ToUnixMillis(start), std::move(id)});
    }
    return out;
  }

  absl::StatusOr<std::vector<ClientMonth>> ClientMonths(
      const std::vector<std::string>& client_ids,
      const std::string& period) override {
    reads_.push_back(absl::StrCat("ClientMonths ", client_ids.size()));
    std::vector<ClientMonth> out;
    for (const auto& client : client_ids) {
      ClientMonth m;
      for (const auto& [id, d] : decisions_[client]) m.decisions.push_back(d);
      for (const auto& [cell, sum] : performed_[client][period]) {
        m.cells.push_back(sum);
      }
      out.push_back(std::move(m));
    }
    return out;
  }

  absl::StatusOr<std::vector<std::string>> ClientsOfProvider(
      const std::string& provider_id, const std::string& period) override {
    const std::set<std::string>& c = provider_clients_[{provider_id, period}];
    return std::vector<std::string>(c.begin(), c.end());
  }

  absl::StatusOr<std::vector<std::string>> ClientsOfPeriod(
      const std::string& period) override {
    std::set<std::string> c = period_clients_[period];
    c.insert(decision_clients_.begin(), decision_clients_.end());
    return std::vector<std::string>(c.begin(), c.end());
  }

  // The visits the staff commands locked, in order.
  std::vector<std::string> locked_visits_;
  // The batched reads of the lists ("Histories 3"), in order: one per
  // batch, never one per item.
  std::vector<std::string> reads_;

 private:
  struct Record {
    bool done = false;
    std::string owner;  // while pending
    std::string fingerprint;
    std::optional<v1::ReportOutcome> outcome;
    std::optional<v1::Visit> current;
    bool voided = false;
    int64_t version = 0;
    // The interval index entries a pending reservation holds.
    std::vector<std::pair<std::string, std::string>> held;
  };

  // "<end ms>|<visit id>", as in the Redis indexes.
  static std::string Member(absl::Time end, const std::string& visit_id) {
    return absl::StrCat(absl::ToUnixMillis(end), "|", visit_id);
  }
  static std::string Member(const v1::Visit& v) {
    return Member(FromProtoTime(v.end()), v.visit_id());
  }

  // The first slot in which another visit than `except` holds time in
  // [start, end): {slot index, visit id}. Like the Redis script: entries in
  // the order of their start (then member), and only those starting at
  // most max_length before `start`.
  std::optional<std::pair<int, std::string>> Conflict(
      const Reservation& r, const std::string& except,
      absl::Duration max_length) {
    for (size_t i = 0; i < r.slots.size(); ++i) {
      std::vector<std::pair<absl::Time, std::string>> by_start;
      for (const auto& [member, start] : slots_[r.slots[i].name]) {
        if (start >= r.start - max_length && start < r.end) {
          by_start.emplace_back(start, member);
        }
      }
      std::sort(by_start.begin(), by_start.end());
      for (const auto& [start, member] : by_start) {
        const size_t bar = member.find('|');
        const absl::Time end =
            absl::FromUnixMillis(std::stoll(member.substr(0, bar)));
        const std::string other = member.substr(bar + 1);
        if (end > r.start && other != except) {
          return std::make_pair(static_cast<int>(i), other);
        }
      }
    }
    return std::nullopt;
  }

  void Release(Record& rec) {
    for (const auto& [slot, member] : rec.held) slots_[slot].erase(member);
    rec.held.clear();
  }

  void Take(const v1::Visit& v) {
    for (const IndexSlot& s : IndexSlotsOf(v)) {
      slots_[s.name][Member(v)] = FromProtoTime(v.start());
    }
  }
  void Free(const v1::Visit& v) {
    for (const IndexSlot& s : IndexSlotsOf(v)) slots_[s.name].erase(Member(v));
  }

  // The record after one newer event of its visit.
  void Advance(Record& rec, const v1::VisitEvent& e) {
    // A rejection never holds slots.
    if (!rec.done && !e.has_visit_accepted()) Release(rec);
    rec.done = true;
    rec.version = e.aggregate_version();
    rec.owner.clear();
    rec.held.clear();
    if (e.has_visit_accepted() || e.has_visit_rejected()) {
      rec.outcome = OutcomeOf(e);
      rec.fingerprint = e.request_fingerprint();
    }
    if (e.has_visit_accepted()) {
      rec.current = e.visit_accepted().visit();
      rec.voided = false;
    } else if (e.has_visit_corrected()) {
      rec.current = e.visit_corrected().visit();
    } else if (e.has_visit_voided()) {
      rec.voided = true;
    }
    if (e.has_visit_corrected() || e.has_visit_voided() ||
        e.has_exceptions_reviewed()) {
      requests_[e.request_id()] = e.request_fingerprint();
    }
  }

  // The indexes and counts one event changes.
  void Count(const v1::VisitEvent& e) {
    if (e.has_visit_accepted()) {
      const auto& a = e.visit_accepted();
      Take(a.visit());
      Add(a.visit(), a.visit().period(), +1);
      if (!a.exceptions().empty()) Flag(a.visit(), true);
    } else if (e.has_visit_corrected()) {
      const auto& c = e.visit_corrected();
      Free(c.previous());
      Take(c.visit());
      Add(c.previous(),
          c.adjusts_period().empty() ? c.previous().period()
                                     : c.visit().period(),
          -1);
      Add(c.visit(), c.visit().period(), +1);
      Flag(c.visit(), !c.exceptions().empty());
    } else if (e.has_visit_voided()) {
      const auto& v = e.visit_voided();
      Free(v.previous());
      Add(v.previous(), v.period(), -1);
      Flag(v.previous(), false);
    } else if (e.has_visit_rejected()) {
      const auto& r = e.visit_rejected();
      rejected_[{r.provider_id(), r.period()}].push_back(r);
    }
  }

  void Add(const v1::Visit& v, const std::string& period, int sign) {
    if (v.status() != v1::VISIT_STATUS_PERFORMED) return;
    PerformedCell& cell =
        performed_[v.client_id()][period][{v.provider_id(), v.category_id()}];
    cell.provider_id = v.provider_id();
    cell.category_id = v.category_id();
    cell.client_minutes += sign * ClientMinutes(v);
    cell.staff_minutes += sign * StaffMinutes(v);
    cell.visits += sign;
    provider_clients_[{v.provider_id(), period}].insert(v.client_id());
    period_clients_[period].insert(v.client_id());
  }

  void Flag(const v1::Visit& v, bool flagged) {
    if (flagged) {
      exceptions_[v.provider_id()][v.visit_id()] = FromProtoTime(v.start());
    } else {
      exceptions_[v.provider_id()].erase(v.visit_id());
    }
  }

  using ProviderPeriod = std::pair<std::string, std::string>;
  using CategoryCell = std::pair<std::string, std::string>;  // provider, cat.

  std::optional<registry::v1::Municipality> municipality_;
  std::map<std::string, std::map<std::string, choice::v1::Assignment>>
      assignments_;
  std::map<std::string, std::map<std::string, choice::v1::Decision>> decisions_;
  std::set<std::string> decision_clients_;
  std::map<std::string, std::set<std::string>> locked_;

  std::map<std::string, Record> visits_;
  std::set<std::string> pending_;
  std::map<std::string, std::vector<v1::VisitEvent>> history_;
  std::map<std::string, std::map<std::string, absl::Time>> slots_;
  std::map<std::string, std::string> requests_;
  std::map<ProviderPeriod, std::vector<v1::VisitRejected>> rejected_;
  std::map<std::string, std::map<std::string, absl::Time>> exceptions_;
  std::map<std::string,
           std::map<std::string, std::map<CategoryCell, PerformedCell>>>
      performed_;
  std::map<ProviderPeriod, std::set<std::string>> provider_clients_;
  std::map<std::string, std::set<std::string>> period_clients_;
  std::set<std::string> alive_;
  std::map<OwnTopic, std::map<int32_t, int64_t>> applied_;
};

// Records what it publishes; with fail_with_ set, publishes nothing and
// answers every event with it.
class RecordingPublisher : public EventPublisher {
 public:
  std::vector<absl::Status> PublishBatch(
      const std::vector<v1::VisitEvent>& events) override {
    if (!fail_with_.ok()) {
      return std::vector<absl::Status>(events.size(), fail_with_);
    }
    absl::SleepFor(delay_);  // the wait for the broker's acknowledgement
    events_.insert(events_.end(), events.begin(), events.end());
    return std::vector<absl::Status>(events.size(), absl::OkStatus());
  }

  std::vector<v1::VisitEvent> events_;
  absl::Status fail_with_;
  absl::Duration delay_;
};

// An own topic's end: empty unless a test says otherwise.
class FakeTopicEnd : public TopicEnd {
 public:
  absl::StatusOr<std::map<int32_t, int64_t>> HighWatermarks() override {
    return high_;
  }
  std::map<int32_t, int64_t> high_ = {{0, 0}};
};

using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;
// The tests' "now": 12:00 UTC = 13:00 in Stockholm on Monday 2025-03-31.
inline absl::Time TestNow() { return UtcTime(2025, 3, 31, 12); }

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_TESTS_VISITS_FAKES_H_
