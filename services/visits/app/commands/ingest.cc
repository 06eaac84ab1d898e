// A provider's system reports the visits it performed (besöksrapportering):
// each report is verified, published and answered with its outcome
// (accepted, accepted with exceptions, or rejected with the reason); the
// same report sent again is answered with its first outcome.
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {
namespace {

// How long a report waits for another instance's reservation of the same
// id to be recorded (or its owner to be found dead) before it is answered
// with UNAVAILABLE.
constexpr absl::Duration kIngestDeadline = absl::Seconds(20);

// Business counters for dashboards and the rejection-spike alert.
void CountOutcome(const v1::ReportOutcome& o) {
  std::string outcome = "error";
  if (o.replayed()) {
    outcome = "replayed";
  } else if (o.outcome() == v1::OUTCOME_ACCEPTED) {
    outcome = "accepted";
  } else if (o.outcome() == v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS) {
    outcome = "accepted_with_exceptions";
  } else if (o.outcome() == v1::OUTCOME_REJECTED) {
    outcome = "rejected";
    metrics::Registry::Default()
        .GetCounter("lov_visits_rejected_total",
                    "Rejected visit reports, by reason code",
                    {{"reason", v1::ReasonCode_Name(o.reason_code())}})
        .Inc();
  }
  metrics::Registry::Default()
      .GetCounter("lov_visits_reports_total",
                  "Visit reports answered, by outcome (replayed = a retry "
                  "answered with its first outcome)",
                  {{"outcome", outcome}})
      .Inc();
}

// Client, category and month: earlier accepted reports of a batch count
// toward the month's performed time of later ones.
std::string MonthOfCategory(const ContextKey& key) {
  return absl::StrCat(key.client_id, "|", key.category_id, "|", key.period);
}

}  // namespace

struct VisitsApp::Item {
  explicit Item(const v1::VisitReport& r)
      : report(&r), fingerprint(Fingerprint(r)) {
    if (r.report_id().empty() || r.provider_id().empty()) {
      // Without a key the rejection cannot be recognised on a retry; it is
      // still stored, under an id of its own.
      visit_id =
          VisitIdOf(r.provider_id().empty() ? "unknown" : r.provider_id(),
                    "~" + NewUuid());
    } else {
      visit_id = VisitIdOf(r.provider_id(), r.report_id());
    }
  }

  // Answered without a decision: the report is to be sent again.
  void Fail(const absl::Status& s) {
    finished = true;
    outcome.set_visit_id(visit_id);
    outcome.set_report_id(report->report_id());
    outcome.set_error_code(static_cast<int>(s.code()));
    outcome.set_error_message(std::string(s.message()));
  }

  const v1::VisitReport* report;
  std::string fingerprint;
  std::string visit_id;        // the id reserved (a duplicate gets its own)
  std::string first_visit_id;  // set for a duplicate with other content
  bool finished = false;
  v1::ReportOutcome outcome;
};

// One pass over the reports not answered yet: verify, reserve, publish,
// record. A report whose id another request holds waits for the next pass.
class VisitsApp::Round {
 public:
  Round(VisitsApp& app, std::vector<Item>& items)
      : app_(app),
        items_(items),
        now_(app.clock_->Now()),
        verdicts_(items.size()),
        slots_(items.size()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      if (!items_[i].finished) todo_.push_back(i);
    }
  }

  // Whether some report waits for another request's reservation.
  bool Run() {
    if (absl::Status s = VerifyReports(); !s.ok()) return FailAll(s);
    absl::StatusOr<std::vector<ReserveResult>> reserved = Reserve();
    if (!reserved.ok()) return FailAll(reserved.status());
    for (size_t k = 0; k < todo_.size(); ++k) Settle(todo_[k], (*reserved)[k]);
    if (!events_.empty()) Publish();
    if (!orphans_.empty()) {
      if (absl::Status s = app_.ResolveOrphans(orphans_); !s.ok()) {
        log::Warn("resolving reservations of a dead instance failed",
                  {{"error", s}});
      }
    }
    return waiting_;
  }

 private:
  bool FailAll(const absl::Status& s) {
    for (size_t i : todo_) items_[i].Fail(s);
    return false;
  }

  // The verdict on each report by the pure rules, with the slots an
  // accepted one takes.
  absl::Status VerifyReports() {
    std::vector<ContextKey> keys;
    std::vector<int> key_of(items_.size(), -1);
    for (size_t i : todo_) {
      const v1::VisitReport& r = *items_[i].report;
      if (!items_[i].first_visit_id.empty() || !CheckWellFormed(r).ok()) {
        continue;
      }
      key_of[i] = static_cast<int>(keys.size());
      keys.push_back({r.client_id(), r.provider_id(), r.category_id(),
                      PeriodOf(FromProtoTime(r.start()))});
    }
    std::vector<VerificationContext> contexts;
    if (!keys.empty()) {
      absl::StatusOr<std::vector<VerificationContext>> loaded =
          app_.store_->LoadContexts(keys);
      if (!loaded.ok()) return loaded.status();
      contexts = std::move(*loaded);
    }
    std::map<std::string, int64_t> batch_minutes;
    for (size_t i : todo_) {
      const Item& it = items_[i];
      if (!it.first_visit_id.empty()) {
        verdicts_[i] = DuplicateVerdict(*it.report, it.first_visit_id);
      } else if (key_of[i] < 0) {
        verdicts_[i] =
            Verify(*it.report, VerificationContext{}, app_.limits_, now_);
      } else {
        VerificationContext& ctx = contexts[key_of[i]];
        int64_t& earlier = batch_minutes[MonthOfCategory(keys[key_of[i]])];
        ctx.performed_minutes_in_month += earlier;
        verdicts_[i] = Verify(*it.report, ctx, app_.limits_, now_);
        if (verdicts_[i].accepted) {
          earlier += ClientMinutes(verdicts_[i].visit);
          slots_[i] = IndexSlotsOf(verdicts_[i].visit);
        }
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ReserveResult>> Reserve() {
    std::vector<Reservation> reservations;
    for (size_t i : todo_) {
      const Item& it = items_[i];
      Reservation r{.visit_id = it.visit_id,
                    .fingerprint = it.fingerprint,
                    .slots = slots_[i]};
      if (!r.slots.empty()) {
        r.start = FromProtoTime(it.report->start());
        r.end = FromProtoTime(it.report->end());
      }
      reservations.push_back(std::move(r));
    }
    return app_.store_->Reserve(reservations, app_.instance_,
                                app_.limits_.max_length);
  }

  // What the reservation says about the report: its event to publish, its
  // first outcome, or a wait.
  void Settle(size_t i, const ReserveResult& reserved) {
    Item& it = items_[i];
    if (reserved.kind == ReserveResult::Kind::kExisting) {
      SettleExisting(it, reserved);
      return;
    }
    if (reserved.kind == ReserveResult::Kind::kConflict) {
      verdicts_[i] =
          OverlapVerdict(verdicts_[i], slots_[i][reserved.conflict_slot],
                         reserved.conflict_visit_id);
    }
    events_.push_back(EventOf(it, verdicts_[i]));
    event_item_.push_back(i);
  }

  void SettleExisting(Item& it, const ReserveResult& existing) {
    if (!existing.done) {
      // Being handled by another request: wait for its outcome, or drop its
      // reservation if its instance died before publishing.
      if (existing.owner != app_.instance_) {
        absl::StatusOr<bool> gone = app_.OwnerGone(existing.owner, alive_);
        if (gone.ok() && *gone)
          orphans_.emplace_back(it.visit_id, existing.owner);
      }
      waiting_ = true;
      return;
    }
    if (existing.fingerprint == it.fingerprint || !it.first_visit_id.empty()) {
      it.finished = true;
      if (existing.outcome) it.outcome = *existing.outcome;
      it.outcome.set_replayed(true);
      return;
    }
    // The same report id with other content: a rejection of its own,
    // idempotent under an id derived from the content.
    it.first_visit_id = it.visit_id;
    it.visit_id = absl::StrCat(it.visit_id, "~", it.fingerprint);
  }

  v1::VisitEvent EventOf(const Item& it, const Verdict& verdict) const {
    v1::VisitEvent e;
    FillEnvelope(&e, it.visit_id, 1, "", it.fingerprint, now_);
    // The same report sent again after an unknown outcome is the same
    // event: same ce_id.
    e.set_event_id(EventIdOf(it.visit_id, it.fingerprint, 0));
    if (verdict.accepted) {
      auto* a = e.mutable_visit_accepted();
      *a->mutable_visit() = verdict.visit;
      for (const auto& x : verdict.exceptions) *a->add_exceptions() = x;
      a->set_adjusts_period(verdict.adjusts_period);
      return e;
    }
    // A rejection expires (--rejected-retention-days) and the same report
    // sent after that is judged again: if it is accepted then, its event
    // must not carry the rejection's ce_id, which subscribers have seen.
    e.set_event_id(EventIdOf(
        it.visit_id,
        absl::StrCat(it.fingerprint, "|rejected|", ReasonName(verdict.reason)),
        0));
    const v1::VisitReport& report = *it.report;
    auto* r = e.mutable_visit_rejected();
    r->set_report_id(report.report_id());
    r->set_provider_id(report.provider_id());
    r->set_client_id(report.client_id());
    r->set_reason_code(ReasonName(verdict.reason));
    r->set_detail(verdict.detail);
    *r->mutable_report() = verdict.visit;
    r->mutable_report()->set_visit_id(
        it.first_visit_id.empty() ? it.visit_id : it.first_visit_id);
    r->set_period(report.has_start() ? PeriodOf(FromProtoTime(report.start()))
                                     : PeriodOf(now_));
    return e;
  }

  // Answers each report whose event is durable, records those outcomes,
  // and marks the reservations of the others as not known to be published.
  void Publish() {
    std::vector<absl::Status> published =
        app_.publisher_->PublishBatch(events_);
    std::vector<VisitStore::Applied> applied;
    std::vector<std::string> lost;
    for (size_t k = 0; k < events_.size(); ++k) {
      Item& it = items_[event_item_[k]];
      if (published[k].ok()) {
        it.finished = true;
        it.outcome = OutcomeOf(events_[k]);
        applied.push_back({&events_[k]});
      } else {
        // Maybe written, maybe not: resolved from Kafka on the next try.
        lost.push_back(it.visit_id);
        it.Fail(IsOutcomeUnknown(published[k])
                    ? OutcomeUnknownError(published[k], false)
                    : NotStoredError(published[k], false));
      }
    }
    if (absl::Status s = app_.store_->ApplyOwn(applied); !s.ok()) {
      // The events are durable; the projection records them.
      log::Warn("recording outcomes failed; the projection will",
                {{"error", s}});
    }
    if (lost.empty()) return;
    if (absl::Status s = app_.store_->MarkOwnerLost(lost, app_.instance_);
        !s.ok()) {
      log::Warn("marking unpublished reservations failed", {{"error", s}});
    }
  }

  VisitsApp& app_;
  std::vector<Item>& items_;
  std::vector<size_t> todo_;  // the items not answered yet
  const absl::Time now_;
  std::vector<Verdict> verdicts_;              // per item
  std::vector<std::vector<IndexSlot>> slots_;  // per item
  std::vector<v1::VisitEvent> events_;
  std::vector<size_t> event_item_;  // the item of each event
  std::vector<Owned> orphans_;
  std::map<std::string, bool> alive_;
  bool waiting_ = false;
};

std::vector<v1::ReportOutcome> VisitsApp::Ingest(
    const std::vector<v1::VisitReport>& reports) {
  std::vector<Item> items;
  items.reserve(reports.size());
  for (const v1::VisitReport& r : reports) {
    Item& it = items.emplace_back(r);
    // Answered, not rejected: a rejection event would keep the number.
    if (absl::Status s = CheckNoPersonnummer(r); !s.ok()) it.Fail(s);
  }
  const absl::Time deadline = absl::Now() + kIngestDeadline;
  while (true) {
    const bool waiting = Round(*this, items).Run();
    bool all = true;
    for (const Item& it : items) all = all && it.finished;
    if (all) break;
    if (absl::Now() > deadline) {
      for (Item& it : items) {
        if (it.finished) continue;
        it.Fail(absl::UnavailableError(
            "the report id is being handled by another request; send again"));
      }
      break;
    }
    if (waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<v1::ReportOutcome> out;
  out.reserve(items.size());
  for (Item& it : items) {
    CountOutcome(it.outcome);
    out.push_back(std::move(it.outcome));
  }
  return out;
}

absl::StatusOr<v1::ReportOutcome> VisitsApp::ReportVisit(
    const v1::ReportVisitRequest& request) {
  std::vector<v1::ReportOutcome> out = Ingest({request.report()});
  v1::ReportOutcome& o = out[0];
  if (o.error_code() != 0) {
    return absl::Status(static_cast<absl::StatusCode>(o.error_code()),
                        o.error_message());
  }
  return o;
}

}  // namespace lov::visits
