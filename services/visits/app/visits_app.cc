#include "lov/visits/app/visits_app.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::visits {
namespace {

// How long a report waits for another instance's reservation of the same
// id to be recorded (or its owner to be found dead) before it is answered
// with UNAVAILABLE.
constexpr absl::Duration kIngestDeadline = absl::Seconds(20);
constexpr absl::Duration kCatchUpTimeout = absl::Seconds(15);

// The current version of a visit with its exceptions and their review, from
// its history; nullopt when it was rejected or is voided.
std::optional<v1::ExceptionEntry> ExceptionEntryOf(
    const std::vector<v1::VisitEvent>& history) {
  std::optional<v1::ExceptionEntry> entry;
  for (const auto& e : history) {
    if (e.has_visit_accepted() || e.has_visit_corrected()) {
      entry.emplace();
      const bool accepted = e.has_visit_accepted();
      *entry->mutable_visit() =
          accepted ? e.visit_accepted().visit() : e.visit_corrected().visit();
      *entry->mutable_exceptions() = accepted
                                         ? e.visit_accepted().exceptions()
                                         : e.visit_corrected().exceptions();
    } else if (e.has_visit_voided()) {
      entry.reset();
    } else if (e.has_exceptions_reviewed() && entry &&
               e.exceptions_reviewed().visit_version() ==
                   entry->visit().version()) {
      *entry->mutable_review() = e.exceptions_reviewed();
    }
  }
  return entry;
}

std::string FingerprintOf(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* f = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), f);
  }
  return absl::StrCat(copy->GetDescriptor()->full_name(), ":",
                      Fingerprint(*copy));
}

absl::Status Required(const std::string& value, const char* field) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  }
  return absl::OkStatus();
}

absl::Status RequirePeriod(const std::string& period) {
  if (!IsPeriod(period)) {
    return absl::InvalidArgumentError("period: must be YYYY-MM");
  }
  return absl::OkStatus();
}

// A rule a correction breaks, as the status the API returns.
absl::Status RuleStatus(const Verdict& v) {
  const std::string text = absl::StrCat(ReasonName(v.reason), ": ", v.detail);
  if (v.reason == v1::REASON_CODE_MALFORMED) {
    return absl::InvalidArgumentError(text);
  }
  return absl::FailedPreconditionError(text);
}

}  // namespace

struct VisitsApp::Item {
  const v1::VisitReport* report = nullptr;
  std::string visit_id;        // the id reserved (a duplicate gets its own)
  std::string first_visit_id;  // set for a duplicate with other content
  std::string fingerprint;
  bool finished = false;
  v1::ReportOutcome outcome;
};

v1::VisitEvent VisitsApp::NewEvent(const std::string& aggregate_id,
                                   int64_t version,
                                   const std::string& request_id,
                                   const std::string& fingerprint) const {
  v1::VisitEvent e;
  e.set_event_id(NewUuid());
  *e.mutable_occurred_at() = ToProtoTime(clock_->Now());
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(version);
  e.set_request_id(request_id);
  e.set_request_fingerprint(fingerprint);
  return e;
}

namespace {

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

}  // namespace

std::vector<v1::ReportOutcome> VisitsApp::Ingest(
    const std::vector<v1::VisitReport>& reports) {
  std::vector<Item> items(reports.size());
  for (size_t i = 0; i < reports.size(); ++i) {
    Item& it = items[i];
    it.report = &reports[i];
    it.fingerprint = Fingerprint(reports[i]);
    const std::string& provider = reports[i].provider_id();
    if (reports[i].report_id().empty() || provider.empty()) {
      // Without a key the rejection cannot be recognised on a retry; it is
      // still stored, under an id of its own.
      it.visit_id =
          VisitIdOf(provider.empty() ? "unknown" : provider, "~" + NewUuid());
    } else {
      it.visit_id = VisitIdOf(provider, reports[i].report_id());
    }
  }
  const absl::Time deadline = absl::Now() + kIngestDeadline;
  while (true) {
    bool waiting = false;
    Round(items, &waiting);
    bool all = true;
    for (const Item& it : items) all = all && it.finished;
    if (all) break;
    if (absl::Now() > deadline) {
      for (Item& it : items) {
        if (it.finished) continue;
        it.finished = true;
        it.outcome.set_visit_id(it.visit_id);
        it.outcome.set_report_id(it.report->report_id());
        it.outcome.set_error_code(
            static_cast<int>(absl::StatusCode::kUnavailable));
        it.outcome.set_error_message(
            "the report id is being handled by another request; send again");
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

void VisitsApp::Round(std::vector<Item>& items, bool* waiting) {
  auto fail_all = [&](const absl::Status& s) {
    for (Item& it : items) {
      if (it.finished) continue;
      it.finished = true;
      it.outcome.set_visit_id(it.visit_id);
      it.outcome.set_report_id(it.report->report_id());
      it.outcome.set_error_code(static_cast<int>(s.code()));
      it.outcome.set_error_message(std::string(s.message()));
    }
  };
  std::vector<size_t> todo;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].finished) todo.push_back(i);
  }
  const absl::Time now = clock_->Now();
  // Context for the reports that can be verified at all.
  std::vector<ContextKey> keys;
  std::vector<int> key_of(items.size(), -1);
  for (size_t i : todo) {
    const v1::VisitReport& r = *items[i].report;
    if (!items[i].first_visit_id.empty() || !CheckWellFormed(r).ok()) continue;
    key_of[i] = static_cast<int>(keys.size());
    keys.push_back({r.client_id(), r.provider_id(), r.category_id(),
                    PeriodOf(FromProtoTime(r.start()))});
  }
  std::vector<VerificationContext> contexts;
  if (!keys.empty()) {
    absl::StatusOr<std::vector<VerificationContext>> c =
        store_->LoadContexts(keys);
    if (!c.ok()) return fail_all(c.status());
    contexts = std::move(*c);
  }
  // Earlier accepted reports of this batch count toward the month's
  // performed time of later ones.
  std::map<std::string, int64_t> batch_minutes;
  auto minutes_key = [](const ContextKey& k) {
    return absl::StrCat(k.client_id, "|", k.category_id, "|", k.period);
  };
  std::vector<Verdict> verdicts(items.size());
  std::vector<Reservation> reservations;
  std::vector<std::vector<IndexSlot>> slots(items.size());
  for (size_t i : todo) {
    const Item& it = items[i];
    if (!it.first_visit_id.empty()) {
      verdicts[i] = DuplicateVerdict(*it.report, it.first_visit_id);
    } else if (key_of[i] >= 0) {
      VerificationContext& ctx = contexts[key_of[i]];
      const std::string mk = minutes_key(keys[key_of[i]]);
      ctx.performed_minutes_in_month += batch_minutes[mk];
      verdicts[i] = Verify(*it.report, ctx, limits_, now);
      if (verdicts[i].accepted) {
        batch_minutes[mk] += ClientMinutes(verdicts[i].visit);
        slots[i] = IndexSlotsOf(verdicts[i].visit);
      }
    } else {
      verdicts[i] = Verify(*it.report, VerificationContext{}, limits_, now);
    }
    Reservation r;
    r.visit_id = it.visit_id;
    r.fingerprint = it.fingerprint;
    r.slots = slots[i];
    if (!r.slots.empty()) {
      r.start = FromProtoTime(it.report->start());
      r.end = FromProtoTime(it.report->end());
    }
    reservations.push_back(std::move(r));
  }
  absl::StatusOr<std::vector<ReserveResult>> reserved =
      store_->Reserve(reservations, instance_, limits_.max_length);
  if (!reserved.ok()) return fail_all(reserved.status());

  std::vector<v1::VisitEvent> events;
  std::vector<size_t> event_item;
  std::vector<std::pair<std::string, std::string>> orphans;
  std::map<std::string, bool> alive;
  for (size_t k = 0; k < todo.size(); ++k) {
    const size_t i = todo[k];
    Item& it = items[i];
    const ReserveResult& res = (*reserved)[k];
    Verdict& verdict = verdicts[i];
    if (res.kind == ReserveResult::Kind::kExisting) {
      if (!res.done) {
        if (res.owner != instance_) {
          auto [a, inserted] = alive.emplace(res.owner, true);
          if (inserted) {
            absl::StatusOr<bool> live = store_->OwnerAlive(res.owner);
            a->second = !live.ok() || *live;
          }
          if (!a->second) orphans.emplace_back(it.visit_id, res.owner);
        }
        *waiting = true;
        continue;
      }
      if (res.fingerprint == it.fingerprint || !it.first_visit_id.empty()) {
        it.finished = true;
        if (res.outcome) it.outcome = *res.outcome;
        it.outcome.set_replayed(true);
        continue;
      }
      // The same report id with other content: a rejection of its own,
      // idempotent under an id derived from the content.
      it.first_visit_id = it.visit_id;
      it.visit_id = absl::StrCat(it.visit_id, "~", it.fingerprint);
      continue;
    }
    if (res.kind == ReserveResult::Kind::kConflict) {
      verdict = OverlapVerdict(verdict, slots[i][res.conflict_slot],
                               res.conflict_visit_id);
    }
    v1::VisitEvent e = NewEvent(it.visit_id, 1, "", it.fingerprint);
    if (verdict.accepted) {
      auto* a = e.mutable_visit_accepted();
      *a->mutable_visit() = verdict.visit;
      for (auto& x : verdict.exceptions) *a->add_exceptions() = x;
      a->set_adjusts_period(verdict.adjusts_period);
    } else {
      auto* r = e.mutable_visit_rejected();
      r->set_report_id(it.report->report_id());
      r->set_provider_id(it.report->provider_id());
      r->set_client_id(it.report->client_id());
      r->set_reason_code(ReasonName(verdict.reason));
      r->set_detail(verdict.detail);
      *r->mutable_report() = verdict.visit;
      r->mutable_report()->set_visit_id(
          it.first_visit_id.empty() ? it.visit_id : it.first_visit_id);
      r->set_period(it.report->has_start()
                        ? PeriodOf(FromProtoTime(it.report->start()))
                        : PeriodOf(now));
    }
    events.push_back(std::move(e));
    event_item.push_back(i);
  }
  if (!events.empty()) {
    std::vector<absl::Status> published = publisher_->PublishBatch(events);
    std::vector<VisitStore::Applied> applied;
    std::vector<std::string> lost;
    for (size_t k = 0; k < events.size(); ++k) {
      Item& it = items[event_item[k]];
      it.finished = true;
      if (published[k].ok()) {
        it.outcome = OutcomeOf(events[k]);
        applied.push_back({&events[k]});
      } else {
        // Maybe written, maybe not: resolved from Kafka on the next try.
        lost.push_back(it.visit_id);
        it.outcome.set_visit_id(it.visit_id);
        it.outcome.set_report_id(it.report->report_id());
        it.outcome.set_error_code(
            static_cast<int>(absl::StatusCode::kUnavailable));
        it.outcome.set_error_message(absl::StrCat(
            "not stored (event log unavailable: ", published[k].message(),
            "); send the report again"));
      }
    }
    if (absl::Status s = store_->ApplyOwn(applied); !s.ok()) {
      // The events are durable; the projection records them.
      log::Warn("recording outcomes failed; the projection will",
                {{"error", s}});
    }
    if (!lost.empty()) {
      if (absl::Status s = store_->MarkOwnerLost(lost, instance_); !s.ok()) {
        log::Warn("marking unpublished reservations failed", {{"error", s}});
      }
    }
  }
  if (!orphans.empty()) {
    if (absl::Status s = ResolveOrphans(orphans); !s.ok()) {
      log::Warn("resolving reservations of a dead instance failed",
                {{"error", s}});
    }
  }
}

absl::Status VisitsApp::ResolveOrphans(
    const std::vector<std::pair<std::string, std::string>>& orphans) {
  absl::StatusOr<std::map<int32_t, int64_t>> end = topic_end_->HighWatermarks();
  if (!end.ok()) return end.status();
  const absl::Time give_up = absl::Now() + kCatchUpTimeout;
  while (true) {
    absl::StatusOr<std::map<int32_t, int64_t>> applied =
        store_->AppliedOffsets();
    if (!applied.ok()) return applied.status();
    bool caught_up = true;
    for (const auto& [p, high] : *end) {
      auto it = applied->find(p);
      if (high > 0 && (it == applied->end() || it->second < high)) {
        caught_up = false;
      }
    }
    if (caught_up) break;
    if (absl::Now() > give_up) {
      return absl::UnavailableError(
          "the projection has not yet read the visits topic to its end");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (const auto& [visit_id, owner] : orphans) {
    if (absl::Status s = store_->ReleasePending(visit_id, owner); !s.ok()) {
      return s;
    }
    log::Info("dropped a reservation that never reached Kafka",
              {{"visit_id", visit_id}, {"owner", owner}});
  }
  return absl::OkStatus();
}

absl::Status VisitsApp::SweepOrphans() {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pending =
      store_->PendingWithOwners();
  if (!pending.ok()) return pending.status();
  std::map<std::string, bool> alive;
  std::vector<std::pair<std::string, std::string>> orphans;
  for (const auto& [id, owner] : *pending) {
    if (owner == instance_) continue;
    auto [a, inserted] = alive.emplace(owner, true);
    if (inserted) {
      absl::StatusOr<bool> live = store_->OwnerAlive(owner);
      if (!live.ok()) return live.status();
      a->second = *live;
    }
    if (!a->second) orphans.emplace_back(id, owner);
  }
  if (orphans.empty()) return absl::OkStatus();
  return ResolveOrphans(orphans);
}

absl::Status VisitsApp::Heartbeat() {
  return store_->Heartbeat(instance_, kHeartbeatTtl);
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

absl::Status VisitsApp::PublishOne(const v1::VisitEvent& event) {
  std::vector<absl::Status> s = publisher_->PublishBatch({event});
  if (!s[0].ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the change was not stored (event log unavailable: ", s[0].message(),
        "); retry with the same request_id"));
  }
  if (absl::Status a = store_->ApplyOwn({{&event}}); !a.ok()) {
    log::Warn("state update after publish failed; the projection will apply it",
              {{"event_id", event.event_id()}, {"error", a}});
  }
  return absl::OkStatus();
}

template <typename Request>
absl::StatusOr<VisitsApp::Command> VisitsApp::BeginCommand(
    const Request& request) {
  Command cmd;
  cmd.visit_id = VisitIdOf(request.provider_id(), request.report_id());
  cmd.fingerprint = FingerprintOf(request);
  const std::string& visit_id = cmd.visit_id;
  const std::string& request_id = request.request_id();
  absl::StatusOr<std::unique_ptr<Lease>> lease = store_->Lock(visit_id);
  if (!lease.ok()) return lease.status();
  cmd.lease = std::move(*lease);
  absl::StatusOr<std::optional<std::string>> seen =
      store_->RequestFingerprint(request_id);
  if (!seen.ok()) return seen.status();
  if (seen->has_value() && **seen != cmd.fingerprint) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id '", request_id,
                     "' was already used for a different request"));
  }
  cmd.retry = seen->has_value();
  return cmd;
}

absl::StatusOr<v1::Visit> VisitsApp::CurrentVisit(
    const std::string& provider_id, const std::string& report_id,
    VisitRecord* record) {
  const std::string id = VisitIdOf(provider_id, report_id);
  absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(id);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value()) {
    return absl::NotFoundError(absl::StrCat("report_id: no visit ", id));
  }
  *record = **rec;
  if (!record->done) {
    return absl::UnavailableError(
        absl::StrCat("visit ", id, " is still being recorded; retry"));
  }
  if (!record->current) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", id, " was rejected; send a new report instead"));
  }
  if (record->voided) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", id, " is voided"));
  }
  return *record->current;
}

absl::StatusOr<v1::CorrectVisitResponse> VisitsApp::CorrectVisit(
    const v1::CorrectVisitRequest& request) {
  for (auto [value, field] : {std::pair{&request.request_id(), "request_id"},
                              std::pair{&request.provider_id(), "provider_id"},
                              std::pair{&request.report_id(), "report_id"},
                              std::pair{&request.reason(), "reason"}}) {
    if (absl::Status s = Required(*value, field); !s.ok()) return s;
  }
  v1::VisitReport corrected = request.corrected();
  if (corrected.report_id().empty())
    corrected.set_report_id(request.report_id());
  if (corrected.provider_id().empty()) {
    corrected.set_provider_id(request.provider_id());
  }
  if (corrected.report_id() != request.report_id() ||
      corrected.provider_id() != request.provider_id()) {
    return absl::InvalidArgumentError(
        "corrected: report_id and provider_id cannot change");
  }
  absl::StatusOr<Command> cmd = BeginCommand(request);
  if (!cmd.ok()) return cmd.status();
  const std::string& id = cmd->visit_id;
  const std::string& fingerprint = cmd->fingerprint;
  VisitRecord record;
  if (cmd->retry) {
    absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(id);
    if (!rec.ok()) return rec.status();
    v1::CorrectVisitResponse out;
    if (rec->has_value() && (*rec)->current)
      *out.mutable_visit() = *(*rec)->current;
    return out;
  }
  absl::StatusOr<v1::Visit> previous =
      CurrentVisit(request.provider_id(), request.report_id(), &record);
  if (!previous.ok()) return previous.status();
  if (corrected.client_id() != previous->client_id()) {
    return absl::InvalidArgumentError(
        "corrected.client_id: cannot change; void the visit and report anew");
  }
  const absl::Time now = clock_->Now();
  ContextKey key{
      corrected.client_id(), corrected.provider_id(), corrected.category_id(),
      corrected.has_start() ? PeriodOf(FromProtoTime(corrected.start()))
                            : PeriodOf(now)};
  absl::StatusOr<std::vector<VerificationContext>> ctx =
      store_->LoadContexts({key});
  if (!ctx.ok()) return ctx.status();
  VerificationContext& c = (*ctx)[0];
  if (previous->category_id() == key.category_id &&
      previous->period() == key.period) {
    c.performed_minutes_in_month -= ClientMinutes(*previous);
  }
  Verdict verdict = Verify(corrected, c, limits_, now);
  if (!verdict.accepted) return RuleStatus(verdict);
  std::vector<IndexSlot> slots = IndexSlotsOf(verdict.visit);
  if (!slots.empty()) {
    Reservation probe{id, "", slots, FromProtoTime(corrected.start()),
                      FromProtoTime(corrected.end())};
    absl::StatusOr<std::optional<std::pair<int, std::string>>> conflict =
        store_->FindConflict(probe, id, limits_.max_length);
    if (!conflict.ok()) return conflict.status();
    if (conflict->has_value()) {
      return RuleStatus(OverlapVerdict(verdict, slots[(*conflict)->first],
                                       (*conflict)->second));
    }
  }
  v1::VisitEvent e =
      NewEvent(id, record.version + 1, request.request_id(), fingerprint);
  auto* x = e.mutable_visit_corrected();
  *x->mutable_visit() = verdict.visit;
  x->mutable_visit()->set_version(previous->version() + 1);
  *x->mutable_previous() = *previous;
  x->set_reason(request.reason());
  // A locked period is never changed: the difference counts in the next
  // open one.
  if (c.locked_periods.contains(previous->period())) {
    x->set_adjusts_period(previous->period());
    x->mutable_visit()->set_period(
        OpenPeriodFrom(std::max(previous->period(), verdict.visit.period()),
                       c.locked_periods));
  }
  for (auto& ex : verdict.exceptions) *x->add_exceptions() = ex;
  if (absl::Status s = PublishOne(e); !s.ok()) return s;
  v1::CorrectVisitResponse out;
  *out.mutable_visit() = x->visit();
  *out.mutable_exceptions() = x->exceptions();
  out.set_adjusts_period(x->adjusts_period());
  return out;
}

absl::StatusOr<v1::VoidVisitResponse> VisitsApp::VoidVisit(
    const v1::VoidVisitRequest& request) {
  for (auto [value, field] : {std::pair{&request.request_id(), "request_id"},
                              std::pair{&request.provider_id(), "provider_id"},
                              std::pair{&request.report_id(), "report_id"},
                              std::pair{&request.reason(), "reason"}}) {
    if (absl::Status s = Required(*value, field); !s.ok()) return s;
  }
  absl::StatusOr<Command> cmd = BeginCommand(request);
  if (!cmd.ok()) return cmd.status();
  const std::string& id = cmd->visit_id;
  const std::string& fingerprint = cmd->fingerprint;
  if (cmd->retry) {
    absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
    if (!h.ok()) return h.status();
    v1::VoidVisitResponse out;
    if (!h->empty() && h->back().has_visit_voided()) {
      *out.mutable_previous() = h->back().visit_voided().previous();
      out.set_period(h->back().visit_voided().period());
      out.set_adjusts_period(h->back().visit_voided().adjusts_period());
    }
    return out;
  }
  VisitRecord record;
  absl::StatusOr<v1::Visit> previous =
      CurrentVisit(request.provider_id(), request.report_id(), &record);
  if (!previous.ok()) return previous.status();
  absl::StatusOr<std::vector<VerificationContext>> ctx =
      store_->LoadContexts({{previous->client_id(), previous->provider_id(),
                             previous->category_id(), previous->period()}});
  if (!ctx.ok()) return ctx.status();
  const std::set<std::string>& locked = (*ctx)[0].locked_periods;
  v1::VisitEvent e =
      NewEvent(id, record.version + 1, request.request_id(), fingerprint);
  auto* x = e.mutable_visit_voided();
  *x->mutable_previous() = *previous;
  x->set_reason(request.reason());
  if (locked.contains(previous->period())) {
    x->set_adjusts_period(previous->period());
    x->set_period(OpenPeriodFrom(previous->period(), locked));
  } else {
    x->set_period(previous->period());
  }
  if (absl::Status s = PublishOne(e); !s.ok()) return s;
  v1::VoidVisitResponse out;
  *out.mutable_previous() = *previous;
  out.set_period(x->period());
  out.set_adjusts_period(x->adjusts_period());
  return out;
}

absl::StatusOr<v1::GetVisitResponse> VisitsApp::GetVisit(
    const v1::GetVisitRequest& request) {
  if (absl::Status s = Required(request.provider_id(), "provider_id");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Required(request.report_id(), "report_id"); !s.ok()) {
    return s;
  }
  const std::string id = VisitIdOf(request.provider_id(), request.report_id());
  absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(id);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value() || !(*rec)->done) {
    return absl::NotFoundError(absl::StrCat("report_id: no visit ", id));
  }
  v1::GetVisitResponse out;
  out.set_visit_id(id);
  if ((*rec)->outcome) *out.mutable_first_outcome() = *(*rec)->outcome;
  if ((*rec)->current) *out.mutable_current() = *(*rec)->current;
  out.set_voided((*rec)->voided);
  absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
  if (!h.ok()) return h.status();
  for (auto& e : *h) *out.add_history() = std::move(e);
  return out;
}

absl::StatusOr<v1::ListRejectedResponse> VisitsApp::ListRejected(
    const v1::ListRejectedRequest& request) {
  if (absl::Status s = Required(request.provider_id(), "provider_id");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  absl::StatusOr<std::vector<v1::VisitRejected>> r =
      store_->ListRejected(request.provider_id(), request.period());
  if (!r.ok()) return r.status();
  // The store keeps them in the order they were recorded, which differs
  // between the live path (the request or the projection, whichever comes
  // first) and a rebuild (the topic's partitions interleaved): listed by the
  // report's start, then its ids, so a rebuild lists them the same way.
  using Key =
      std::tuple<int64_t, int32_t, std::string, std::string, std::string>;
  std::vector<std::pair<Key, v1::VisitRejected*>> order;
  order.reserve(r->size());
  for (auto& x : *r) {
    Key key{x.report().start().seconds(), x.report().start().nanos(),
            x.report_id(), x.report().visit_id(), SerializeDeterministic(x)};
    order.emplace_back(std::move(key), &x);
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  v1::ListRejectedResponse out;
  for (auto& [key, x] : order) *out.add_rejected() = std::move(*x);
  return out;
}

absl::StatusOr<v1::ListExceptionsResponse> VisitsApp::ListExceptions(
    const v1::ListExceptionsRequest& request) {
  if (absl::Status s = Required(request.provider_id(), "provider_id");
      !s.ok()) {
    return s;
  }
  if (!request.period().empty()) {
    if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<std::string>> ids =
      store_->ExceptionVisitIds(request.provider_id());
  if (!ids.ok()) return ids.status();
  v1::ListExceptionsResponse out;
  for (const auto& id : *ids) {
    absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
    if (!h.ok()) return h.status();
    std::optional<v1::ExceptionEntry> entry = ExceptionEntryOf(*h);
    if (!entry || entry->exceptions().empty()) continue;
    if (entry->has_review() && !request.include_reviewed()) continue;
    if (!request.period().empty() &&
        entry->visit().period() != request.period()) {
      continue;
    }
    *out.add_entries() = std::move(*entry);
  }
  return out;
}

absl::StatusOr<v1::ExceptionEntry> VisitsApp::ReviewExceptions(
    const v1::ReviewExceptionsRequest& request) {
  for (auto [value, field] :
       {std::pair{&request.request_id(), "request_id"},
        std::pair{&request.provider_id(), "provider_id"},
        std::pair{&request.report_id(), "report_id"},
        std::pair{&request.reviewed_by(), "reviewed_by"}}) {
    if (absl::Status s = Required(*value, field); !s.ok()) return s;
  }
  if (request.outcome() == v1::REVIEW_OUTCOME_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "outcome: ACCEPTED or QUERIED is required");
  }
  if (request.outcome() == v1::REVIEW_OUTCOME_QUERIED &&
      request.note().empty()) {
    return absl::InvalidArgumentError(
        "note: say what is queried with the provider");
  }
  for (auto [value, field] : {std::pair{&request.reviewed_by(), "reviewed_by"},
                              std::pair{&request.note(), "note"}}) {
    if (ContainsPersonnummer(*value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain a personal identity number"));
    }
  }
  absl::StatusOr<Command> cmd = BeginCommand(request);
  if (!cmd.ok()) return cmd.status();
  const std::string& id = cmd->visit_id;
  const std::string& fingerprint = cmd->fingerprint;
  VisitRecord record;
  absl::StatusOr<v1::Visit> current =
      CurrentVisit(request.provider_id(), request.report_id(), &record);
  if (!current.ok()) return current.status();
  absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
  if (!h.ok()) return h.status();
  std::optional<v1::ExceptionEntry> entry = ExceptionEntryOf(*h);
  if (cmd->retry && entry) return *entry;
  if (!entry || entry->exceptions().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", id, " version ", current->version(),
                     " has no exceptions to review"));
  }
  if (entry->has_review()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the exceptions of visit ", id, " version ", current->version(),
        " were already reviewed by ", entry->review().reviewed_by(), " (",
        v1::ReviewOutcome_Name(entry->review().outcome()).substr(15), ")"));
  }
  v1::VisitEvent e =
      NewEvent(id, record.version + 1, request.request_id(), fingerprint);
  v1::ExceptionsReviewed* r = e.mutable_exceptions_reviewed();
  r->set_visit_id(id);
  r->set_provider_id(request.provider_id());
  r->set_visit_version(current->version());
  for (const auto& x : entry->exceptions()) r->add_codes(x.code());
  r->set_outcome(request.outcome());
  r->set_note(request.note());
  r->set_reviewed_by(request.reviewed_by());
  if (absl::Status s = PublishOne(e); !s.ok()) return s;
  *entry->mutable_review() = *r;
  return *entry;
}

absl::StatusOr<v1::GetPerformedVsGrantedResponse>
VisitsApp::GetPerformedVsGranted(
    const v1::GetPerformedVsGrantedRequest& request) {
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  if (request.client_id().empty() == request.provider_id().empty()) {
    return absl::InvalidArgumentError(
        "client_id, provider_id: exactly one is required");
  }
  std::vector<std::string> clients;
  if (!request.client_id().empty()) {
    clients.push_back(request.client_id());
  } else {
    absl::StatusOr<std::vector<std::string>> c =
        store_->ClientsOfProvider(request.provider_id(), request.period());
    if (!c.ok()) return c.status();
    clients = std::move(*c);
  }
  v1::GetPerformedVsGrantedResponse out;
  const absl::CivilMonth month = MonthOf(request.period());
  for (const auto& client : clients) {
    absl::StatusOr<std::vector<VerificationContext>> ctx = store_->LoadContexts(
        {{client, request.provider_id(), "", request.period()}});
    if (!ctx.ok()) return ctx.status();
    absl::StatusOr<std::vector<PerformedCell>> cells =
        store_->Performed(client, request.period());
    if (!cells.ok()) return cells.status();
    // Per category: every provider's time for a client view, the one
    // provider's for a provider view.
    std::map<std::string, PerformedCell> by_category;
    for (const auto& d : (*ctx)[0].decisions) {
      for (const auto& g : d.categories()) by_category[g.category_id()];
    }
    for (const auto& cell : *cells) {
      if (!request.provider_id().empty() &&
          cell.provider_id != request.provider_id()) {
        continue;
      }
      PerformedCell& sum = by_category[cell.category_id];
      sum.client_minutes += cell.client_minutes;
      sum.staff_minutes += cell.staff_minutes;
      sum.visits += cell.visits;
    }
    for (const auto& [category, sum] : by_category) {
      *out.add_rows() =
          CompareToGranted(client, category, request.period(),
                           GrantedMinutes((*ctx)[0].decisions, category, month),
                           sum.client_minutes, sum.staff_minutes, sum.visits);
    }
  }
  return out;
}

absl::StatusOr<v1::ListDeviationsResponse> VisitsApp::ListDeviations(
    const v1::ListDeviationsRequest& request) {
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  const double threshold =
      request.threshold_percent() > 0 ? request.threshold_percent() : 25.0;
  absl::StatusOr<std::vector<std::string>> clients =
      request.provider_id().empty()
          ? store_->ClientsOfPeriod(request.period())
          : store_->ClientsOfProvider(request.provider_id(), request.period());
  if (!clients.ok()) return clients.status();
  v1::ListDeviationsResponse out;
  for (const auto& client : *clients) {
    v1::GetPerformedVsGrantedRequest one;
    one.set_client_id(client);
    one.set_period(request.period());
    absl::StatusOr<v1::GetPerformedVsGrantedResponse> rows =
        GetPerformedVsGranted(one);
    if (!rows.ok()) return rows.status();
    for (const auto& row : rows->rows()) {
      if (IsLargeDeviation(row, threshold)) *out.add_rows() = row;
    }
  }
  return out;
}

absl::StatusOr<v1::GetClientContextResponse> VisitsApp::GetClientContext(
    const v1::GetClientContextRequest& request) {
  if (absl::Status s = Required(request.client_id(), "client_id"); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<VerificationContext>> ctx =
      store_->LoadContexts({{request.client_id(), request.provider_id(), "",
                             PeriodOf(clock_->Now())}});
  if (!ctx.ok()) return ctx.status();
  const VerificationContext& c = (*ctx)[0];
  v1::GetClientContextResponse out;
  for (const auto& a : c.assignments) {
    if (!request.provider_id().empty() &&
        a.provider_id() != request.provider_id()) {
      continue;
    }
    auto* v = out.add_assignments();
    v->set_assignment_id(a.assignment_id());
    v->set_provider_id(a.provider_id());
    v->set_zone_id(a.zone_id());
    *v->mutable_category_ids() = a.category_ids();
    v->set_valid_from(a.valid_from());
    v->set_valid_to(a.valid_to());
  }
  for (const auto& d : c.decisions) {
    for (const auto& g : d.categories()) {
      auto* v = out.add_granted();
      v->set_decision_id(d.decision_id());
      v->set_category_id(g.category_id());
      v->set_minutes_per_month(g.minutes_per_month());
      v->set_valid_from(d.valid_from());
      v->set_valid_to(d.valid_to());
    }
  }
  out.set_municipality_known(c.municipality.has_value());
  if (!request.provider_id().empty()) {
    for (const auto& p : c.locked_periods) out.add_locked_periods(p);
  }
  return out;
}

}  // namespace lov::visits
