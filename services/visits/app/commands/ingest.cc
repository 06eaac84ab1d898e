// A provider's system reports the visits it performed (besöksrapportering):
// each report is verified, published and answered with its outcome
// (accepted, accepted with exceptions, or rejected with the reason); the
// same report sent again is answered with its first outcome.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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

void CountIngestPhase(const char* phase, absl::Time since) {
  metrics::Registry::Default()
      .GetCounter("lov_visits_ingest_seconds_total",
                  "Seconds upload batches spent per step of ingestion, "
                  "summed over batches",
                  {{"phase", phase}})
      .Inc(absl::ToDoubleSeconds(absl::Now() - since));
}

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

// One pass over the reports not answered yet: verify, reserve (Prepare),
// publish, record (Finish). A report whose id another request holds waits
// for the next pass. With a stream, the pass counts the minutes its
// accepted reports add until they are recorded (IngestStream).
class VisitsApp::Round {
 public:
  Round(VisitsApp& app, std::vector<Item>& items, IngestStream* stream,
        int64_t ticket)
      : app_(app),
        items_(items),
        stream_(stream),
        ticket_(ticket),
        now_(app.clock_->Now()),
        verdicts_(items.size()),
        slots_(items.size()),
        month_(items.size()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      if (!items_[i].finished) todo_.push_back(i);
    }
  }

  void Prepare() {
    if (absl::Status s = VerifyReports(); !s.ok()) return FailAll(s);
    absl::StatusOr<std::vector<ReserveResult>> reserved = Reserve();
    if (!reserved.ok()) return FailAll(reserved.status());
    for (size_t k = 0; k < todo_.size(); ++k) Settle(todo_[k], (*reserved)[k]);
    if (stream_ == nullptr || counted_.empty()) return;
    std::lock_guard<std::mutex> lock(stream_->state_mu_);
    std::map<std::string, int64_t>& mine = stream_->in_flight_[ticket_];
    for (const auto& [month, minutes] : counted_) mine[month] += minutes;
  }

  // Whether some report waits for another request's reservation.
  bool Finish() {
    if (!events_.empty()) Publish();
    if (!orphans_.empty()) {
      if (absl::Status s = app_.ResolveOrphans(orphans_); !s.ok()) {
        log::Warn("resolving reservations of a dead instance failed",
                  {{"error", s}});
      }
    }
    return waiting_;
  }

  bool Run() {
    Prepare();
    return Finish();
  }

  // Whether every report of the pass was decided as it was counted: none
  // waits, none failed, every event is durable and recorded.
  bool clean() const { return clean_ && !waiting_; }

  // Gives up the pass after Prepare: its reservations are dropped and its
  // minutes leave the count, so its reports are decided again.
  void Abandon() {
    std::vector<std::string> kept;
    for (size_t i : event_item_) {
      const std::string& id = items_[i].visit_id;
      if (!app_.store_->ReleasePending(id, app_.instance_).ok()) {
        kept.push_back(id);
      }
    }
    if (!kept.empty()) {
      // Resolved from Kafka like an unpublished one (nothing was).
      if (absl::Status s = app_.store_->MarkOwnerLost(kept, app_.instance_);
          !s.ok()) {
        log::Warn("marking dropped reservations failed", {{"error", s}});
      }
    }
    Uncount();
  }

 private:
  void FailAll(const absl::Status& s) {
    clean_ = false;
    for (size_t i : todo_) items_[i].Fail(s);
  }

  void Uncount() {
    if (stream_ == nullptr) return;
    std::lock_guard<std::mutex> lock(stream_->state_mu_);
    stream_->in_flight_.erase(ticket_);
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
    // The stream's earlier reports: in the contexts once recorded, until
    // then in flight.
    std::map<std::string, int64_t> batch_minutes;
    if (!keys.empty()) {
      std::unique_lock<std::mutex> lock;
      if (stream_ != nullptr) {
        lock = std::unique_lock<std::mutex>(stream_->state_mu_);
      }
      const absl::Time started = absl::Now();
      absl::StatusOr<std::vector<VerificationContext>> loaded =
          app_.store_->LoadContexts(keys);
      CountIngestPhase("contexts", started);
      if (!loaded.ok()) return loaded.status();
      contexts = std::move(*loaded);
      if (stream_ != nullptr) batch_minutes = stream_->CountedBefore(ticket_);
    }
    for (size_t i : todo_) {
      const Item& it = items_[i];
      if (!it.first_visit_id.empty()) {
        verdicts_[i] = DuplicateVerdict(*it.report, it.first_visit_id);
      } else if (key_of[i] < 0) {
        verdicts_[i] =
            Verify(*it.report, VerificationContext{}, app_.limits_, now_);
      } else {
        VerificationContext& ctx = contexts[key_of[i]];
        month_[i] = MonthOfCategory(keys[key_of[i]]);
        int64_t& earlier = batch_minutes[month_[i]];
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
    const absl::Time started = absl::Now();
    absl::StatusOr<std::vector<ReserveResult>> reserved = app_.store_->Reserve(
        reservations, app_.instance_, app_.limits_.max_length);
    CountIngestPhase("reserve", started);
    return reserved;
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
    if (verdicts_[i].accepted && !month_[i].empty()) {
      counted_[month_[i]] += ClientMinutes(verdicts_[i].visit);
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
    const absl::Time started = absl::Now();
    std::vector<absl::Status> published =
        app_.publisher_->PublishBatch(events_);
    CountIngestPhase("publish", started);
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
        clean_ = false;
        lost.push_back(it.visit_id);
        it.Fail(IsOutcomeUnknown(published[k])
                    ? OutcomeUnknownError(published[k], false)
                    : NotStoredError(published[k], false));
      }
    }
    {
      // Recorded and no longer in flight in one step for the stream's next
      // batch (VerifyReports).
      std::unique_lock<std::mutex> lock;
      const absl::Time recording = absl::Now();
      if (stream_ != nullptr) {
        lock = std::unique_lock<std::mutex>(stream_->state_mu_);
      }
      absl::Status s = app_.store_->ApplyOwn(applied);
      CountIngestPhase("record", recording);
      if (!s.ok()) {
        // The events are durable; the projection records them.
        clean_ = false;
        log::Warn("recording outcomes failed; the projection will",
                  {{"error", s}});
      }
      if (stream_ != nullptr) stream_->in_flight_.erase(ticket_);
    }
    if (lost.empty()) return;
    if (absl::Status s = app_.store_->MarkOwnerLost(lost, app_.instance_);
        !s.ok()) {
      log::Warn("marking unpublished reservations failed", {{"error", s}});
    }
  }

  VisitsApp& app_;
  std::vector<Item>& items_;
  IngestStream* stream_;  // null: the batch is alone
  const int64_t ticket_;
  std::vector<size_t> todo_;  // the items not answered yet
  const absl::Time now_;
  std::vector<Verdict> verdicts_;              // per item
  std::vector<std::vector<IndexSlot>> slots_;  // per item
  std::vector<std::string> month_;  // per item: MonthOfCategory, if verified
  std::map<std::string, int64_t> counted_;  // accepted minutes by month
  bool clean_ = true;
  std::vector<v1::VisitEvent> events_;
  std::vector<size_t> event_item_;  // the item of each event
  std::vector<Owned> orphans_;
  std::map<std::string, bool> alive_;
  bool waiting_ = false;
};

// A batch of reports, its first pass prepared. Its ticket orders it among
// the stream's batches; dropped unfinished (an exception), it counts as
// miscounted so the batches after it are decided again.
class VisitsApp::PreparedIngest {
 public:
  PreparedIngest(VisitsApp& app, std::vector<v1::VisitReport> reports,
                 IngestStream* stream)
      : reports_(std::move(reports)), stream_(stream) {
    items_.reserve(reports_.size());
    for (const v1::VisitReport& r : reports_) {
      Item& it = items_.emplace_back(r);
      // Answered, not rejected: a rejection event would keep the number.
      if (absl::Status s = CheckNoPersonnummer(r); !s.ok()) it.Fail(s);
    }
    if (stream_ != nullptr) {
      std::lock_guard<std::mutex> lock(stream_->order_mu_);
      ticket_ = stream_->next_ticket_++;
      stream_->unfinished_.insert(ticket_);
      // Taken before the contexts are read: a batch that ends miscounted
      // after this may have been counted by this one.
      miscounted_seen_ = stream_->miscounted_;
    }
    first_ = std::make_unique<Round>(app, items_, stream_, ticket_);
    first_->Prepare();
  }

  ~PreparedIngest() {
    if (!ended_) End(false);
  }

  // Waits until the stream's earlier batches have finished; whether one of
  // them ended other than this batch counted it.
  bool AwaitEarlier() {
    if (stream_ == nullptr) return false;
    std::unique_lock<std::mutex> lock(stream_->order_mu_);
    stream_->finished_.wait(lock, [this] {
      return stream_->unfinished_.empty() ||
             *stream_->unfinished_.begin() >= ticket_;
    });
    return stream_->miscounted_ != miscounted_seen_;
  }

  void End(bool clean) {
    ended_ = true;
    if (stream_ == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(stream_->state_mu_);
      stream_->in_flight_.erase(ticket_);
    }
    std::lock_guard<std::mutex> lock(stream_->order_mu_);
    if (!clean) ++stream_->miscounted_;
    stream_->unfinished_.erase(ticket_);
    stream_->finished_.notify_all();
  }

  std::vector<Item>& items() { return items_; }
  Round& first() { return *first_; }
  IngestStream* stream() const { return stream_; }
  int64_t ticket() const { return ticket_; }

 private:
  std::vector<v1::VisitReport> reports_;
  std::vector<Item> items_;  // point into reports_
  IngestStream* stream_;
  int64_t ticket_ = 0;
  int64_t miscounted_seen_ = 0;
  std::unique_ptr<Round> first_;
  bool ended_ = false;
};

void VisitsApp::PreparedDeleter::operator()(PreparedIngest* p) const {
  delete p;
}

std::map<std::string, int64_t> VisitsApp::IngestStream::CountedBefore(
    int64_t ticket) const {
  std::map<std::string, int64_t> out;
  for (auto it = in_flight_.begin();
       it != in_flight_.end() && it->first < ticket; ++it) {
    for (const auto& [month, minutes] : it->second) out[month] += minutes;
  }
  return out;
}

VisitsApp::Prepared VisitsApp::PrepareIngest(
    std::vector<v1::VisitReport> reports, IngestStream* stream) {
  return Prepared(new PreparedIngest(*this, std::move(reports), stream));
}

std::vector<v1::ReportOutcome> VisitsApp::FinishIngest(Prepared batch) {
  std::vector<Item>& items = batch->items();
  bool clean = true;
  bool waiting = false;
  const absl::Time awaiting = absl::Now();
  const bool miscounted = batch->AwaitEarlier();
  CountIngestPhase("await_earlier", awaiting);
  if (miscounted) {
    // Verified with an earlier report counted that was not decided so:
    // decided again, as if it came now.
    batch->first().Abandon();
    clean = false;
    waiting = false;
  } else {
    waiting = batch->first().Finish();
    clean = batch->first().clean();
  }
  const absl::Time deadline = absl::Now() + kIngestDeadline;
  while (true) {
    bool all = true;
    for (const Item& it : items) all = all && it.finished;
    if (all) break;
    clean = false;
    if (absl::Now() > deadline) {
      for (Item& it : items) {
        if (it.finished) continue;
        it.Fail(absl::UnavailableError(
            "the report id is being handled by another request; send again"));
      }
      break;
    }
    if (waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    waiting = Round(*this, items, batch->stream(), batch->ticket()).Run();
  }
  batch->End(clean);
  std::vector<v1::ReportOutcome> out;
  out.reserve(items.size());
  for (Item& it : items) {
    CountOutcome(it.outcome);
    out.push_back(std::move(it.outcome));
  }
  return out;
}

std::vector<v1::ReportOutcome> VisitsApp::Ingest(
    const std::vector<v1::VisitReport>& reports) {
  return FinishIngest(PrepareIngest(reports, nullptr));
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
