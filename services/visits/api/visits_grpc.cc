#include "lov/visits/api/visits_grpc.h"

#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/call_guard.h"
#include "lov/platform/input_limits.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"

namespace lov::visits {
namespace {

metrics::Counter& ReportsRead() {
  static metrics::Counter& counter = metrics::Registry::Default().GetCounter(
      "lov_visits_upload_reports_read_total",
      "Reports read from UploadVisits streams (a stream whose client does "
      "not read its outcomes is not read further; docs/visits.md)");
  return counter;
}

// A report read from the stream and waiting for its batch. `refusal` is set
// for a report with a field over its input limit: it is answered as that
// report's rejection, without verification, and audited as refused for
// `caller` (who sent it; the stream may not be admitted yet).
struct Pending {
  v1::VisitReport report;
  absl::Status refusal;
  auth::v1::Actor caller;
};

// One upload stream. Reads run ahead of the batches being handled, up to
// two batches; two batches are in flight, the next one verified and
// reserved while the one before it is published and recorded
// (VisitsApp::IngestStream); outcomes are written in the order the reports
// came. A client that stops reading its outcomes stops the stream: no new
// batch starts while two batches' outcomes are unsent or to come from the
// batches in flight, and reads pause once two batches wait, so the stream
// holds at most five batches of reports and outcomes (plus what the
// client's HTTP/2 window takes) however long it sends; what
// it sends meanwhile waits in the service's fixed receive window
// (--grpc-stream-window-bytes), then in the client. Each report read spends
// a token of its provider's quota and one of the stream's cap
// (UploadQuota); past either, nothing more is read and the stream ends
// RESOURCE_EXHAUSTED with a RetryInfo once every report read before was
// answered. A report with a field over its input limit is answered as that
// report's rejection (MALFORMED naming the field and the limit) and the
// stream goes on. A batch's audit record (OK, pending) is written before
// its outcomes and confirmed (ConfirmAudit) once they are all written; if
// they do not all go out (the record's write failed, or the client left or
// its deadline passed first), it is corrected (CorrectAudit) with the real
// outcome: UNAVAILABLE, or CANCELLED.
class UploadReactor final
    : public grpc::ServerBidiReactor<v1::UploadVisitsRequest,
                                     v1::UploadVisitsResponse> {
 public:
  UploadReactor(grpc::CallbackServerContext* context, VisitsApp* app,
                WorkerPool* pool, size_t batch_size, UploadQuota* quota)
      : context_(context),
        method_(
            MethodOf(v1::UploadVisitsRequest::descriptor(), "UploadVisits")),
        app_(app),
        pool_(pool),
        batch_size_(batch_size),
        quota_(quota),
        trace_(TraceOfCall(*context)) {
    StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    bool over_limit = false;
    if (!ok) {
      reads_done_ = true;
    } else if (absl::Status s = Admit(over_limit); !s.ok() && !over_limit) {
      // What was admitted before is still handled; then the refusal ends
      // the stream.
      refused_ = s;
      reads_done_ = true;
    } else if (absl::Status q = TakeQuota(); !q.ok()) {
      // Over the provider's quota or the stream's cap: this report and the
      // ones after it are not read, so not answered; the refusal (with its
      // RetryInfo) ends the stream once the earlier ones are.
      refused_ = q;
      reads_done_ = true;
    } else {
      ReportsRead().Inc();
      Pending p{std::move(*incoming_.mutable_report()), std::move(s), {}};
      if (over_limit) p.caller = actor_;
      buffered_.push_back(std::move(p));
      incoming_.Clear();
      if (buffered_.size() < 2 * batch_size_) {
        StartRead(&incoming_);
      } else {
        read_paused_ = true;
      }
    }
    MaybeProcessLocked();
    MaybeFinishLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      broken_ = true;
    } else if (!unsent_.empty() && --unsent_.front().outcomes == 0) {
      // The batch's outcomes all went out: its record is confirmed.
      ConfirmAudit(unsent_.front().record);
      unsent_.pop_front();
    }
    MaybeWriteLocked();
    MaybeProcessLocked();  // it may have waited for outcomes to drain
    MaybeFinishLocked();
  }

  void OnCancel() override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    broken_ = true;
    MaybeFinishLocked();
  }

  void OnDone() override {
    {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      done_ = true;
      if (!flights_.empty()) return;  // the last batch in flight deletes us
    }
    delete this;
  }

 private:
  // The first report admits the caller (credential and policy); every
  // report after it must stay in the caller's scope, and is refused once
  // the caller's credential has expired (a token's exp, a certificate's
  // notAfter): the reports read before are answered, then the stream ends
  // UNAUTHENTICATED. A report of a known
  // caller with a field over its input limit is that report's fault, not
  // the call's: `over_limit` is set and the refusal becomes its answer
  // (audited with its batch); any other refusal ends the stream.
  absl::Status Admit(bool& over_limit) {
    over_limit = false;
    if (method_ == nullptr) return absl::InternalError("UploadVisits unknown");
    absl::Status s =
        admitted_ ? AdmitNext(*method_, actor_, incoming_, term_)
                  : AdmitCall(*context_, *method_, incoming_, &actor_, &term_);
    if (s.ok()) {
      admitted_ = true;
    } else if (s.code() == absl::StatusCode::kInvalidArgument &&
               !actor_.subject().empty() &&
               !CheckInputLimits(incoming_, absl::Now()).ok()) {
      over_limit = true;
    } else if (!actor_.subject().empty()) {
      RecordAudit(*method_, actor_, {incoming_.report().client_id()},
                  {incoming_.report().provider_id()}, "", s)
          .IgnoreError();  // the call is refused either way
    }
    return s;
  }

  // The answer to a report refused at the edge: rejected as MALFORMED with
  // the limit's message ("report.staff_id is 300 characters long; at most
  // 256"). Not verified and not stored (no event, not listed), so the same
  // report sent again gets the same answer. Audited with that outcome; if
  // the record cannot be written, an error (send again) instead.
  v1::ReportOutcome RefusedAtTheEdge(const Pending& p) {
    const v1::VisitReport& r = p.report;
    v1::ReportOutcome o;
    absl::Status audited = RecordAudit(*method_, p.caller, {r.client_id()},
                                       {r.provider_id()}, "", p.refusal);
    if (!audited.ok()) {
      o.set_error_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
      o.set_error_message(std::string(audited.message()));
      return o;
    }
    // The ids are echoed only when they are within the limit themselves.
    if (r.report_id().size() <= kDefaultMaxStringChars &&
        r.provider_id().size() <= kDefaultMaxStringChars) {
      o.set_report_id(r.report_id());
      o.set_visit_id(absl::StrCat(r.provider_id(), "/", r.report_id()));
    }
    o.set_outcome(v1::OUTCOME_REJECTED);
    o.set_reason_code(v1::REASON_CODE_MALFORMED);
    o.set_detail(std::string(p.refusal.message()));
    return o;
  }

  // A batch read from the stream, from its verification to its outcomes.
  struct Flight {
    std::vector<Pending> batch;
    int64_t first = 0;  // the sequence of its first report
    VisitsApp::Prepared prepared;
    std::vector<std::string> clients, providers;  // of the verified reports
    std::vector<v1::ReportOutcome> outcomes;
    // The batch's audit record as sent (empty if none was): corrected if
    // its outcomes do not all go out.
    auth::v1::AuditRecord record;
    bool done = false;
  };

  // A batch's record and how many of its outcomes are not written yet, in
  // the order of writes_.
  struct Unsent {
    auth::v1::AuditRecord record;
    size_t outcomes = 0;
  };

  // The reports to verify go to the app together, up to their
  // reservations. Verified reports were read after the caller was
  // admitted, so actor_ no longer changes.
  void Begin(Flight& f) {
    std::vector<v1::VisitReport> verify;
    for (Pending& p : f.batch) {
      if (!p.refusal.ok()) continue;
      f.clients.push_back(p.report.client_id());
      f.providers.push_back(p.report.provider_id());
      verify.push_back(std::move(p.report));
    }
    if (verify.empty()) return;
    ScopedActor as(actor_);
    f.prepared = app_->PrepareIngest(std::move(verify), &stream_);
  }

  // The batch's outcomes in report order, after the batch before it: the
  // verified ones from the app, the ones refused at the edge their own.
  void End(Flight& f) {
    std::vector<v1::ReportOutcome> verified;
    if (f.prepared) {
      ScopedActor as(actor_);
      verified = app_->FinishIngest(std::move(f.prepared));
      if (verified.size() != f.clients.size()) {
        throw std::logic_error("Ingest answered a batch with another size");
      }
      Audit(f, verified);
    }
    f.outcomes.reserve(f.batch.size());
    size_t next = 0;
    for (const Pending& p : f.batch) {
      f.outcomes.push_back(p.refusal.ok() ? std::move(verified[next++])
                                          : RefusedAtTheEdge(p));
    }
  }

  // Runs on the pool: prepares the batch, lets the next one start, then
  // finishes it (the app waits for the batch before it).
  void Run(Flight& f) {
    ScopedTrace trace(trace_);  // the stream's: its events and logs name it
    const absl::Time started = absl::Now();
    try {
      Begin(f);
    } catch (const std::exception& e) {
      log::Error("upload batch failed", {{"error", e.what()}});
      f.prepared.reset();
      Fail(f);
    }
    {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      preparing_ = false;
      MaybeProcessLocked();
    }
    if (f.outcomes.empty()) {
      try {
        End(f);
      } catch (const std::exception& e) {
        log::Error("upload batch failed", {{"error", e.what()}});
        Fail(f);
        CorrectAudit(f.record, absl::InternalError(e.what()));
        f.record.Clear();  // corrected already
      }
    }
    CountIngestPhase("batch", started);
    bool delete_me = false;
    {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      f.done = true;
      // In order: a batch's outcomes wait for those of the batch before.
      while (!flights_.empty() && flights_.front()->done) {
        Flight& front = *flights_.front();
        if (done_) {
          CorrectAudit(front.record, StreamGone());
        } else {
          unsent_.push_back({front.record, front.outcomes.size()});
        }
        for (size_t i = 0; !done_ && i < front.outcomes.size(); ++i) {
          front.outcomes[i].set_sequence(front.first + static_cast<int64_t>(i));
          v1::UploadVisitsResponse r;
          *r.mutable_outcome() = std::move(front.outcomes[i]);
          writes_.push_back(std::move(r));
        }
        flights_.pop_front();
      }
      if (done_) {
        delete_me = flights_.empty();
      } else {
        MaybeWriteLocked();
        MaybeProcessLocked();
        MaybeFinishLocked();
      }
    }
    if (delete_me) delete this;
  }

  static void Fail(Flight& f) {
    f.outcomes.assign(f.batch.size(), v1::ReportOutcome());
    for (auto& o : f.outcomes) {
      o.set_error_code(static_cast<int>(grpc::StatusCode::INTERNAL));
      o.set_error_message("unexpected error; send the report again");
    }
  }

  // The stream's cap, then the provider's quota, for the report just read.
  absl::Status TakeQuota() {
    if (absl::Status s = quota_->NextOnStream(taken_); !s.ok()) return s;
    if (absl::Status s = quota_->TakeReport(incoming_.report().provider_id());
        !s.ok()) {
      return s;
    }
    ++taken_;
    return absl::OkStatus();
  }

  // The batch's audit record; outcomes become errors (send again) if it
  // cannot be written, and the record, which may still land (a write that
  // timed out), is corrected.
  void Audit(Flight& f, std::vector<v1::ReportOutcome>& outcomes) {
    const absl::Time started = absl::Now();
    absl::Status s = RecordAudit(*method_, actor_, f.clients, f.providers, "",
                                 absl::OkStatus(), &f.record);
    CountIngestPhase("audit", started);
    if (s.ok()) return;
    CorrectAudit(f.record, s);
    f.record.Clear();  // corrected already
    for (auto& o : outcomes) {
      o.set_error_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
      o.set_error_message(std::string(s.message()));
    }
  }

  // Starts the next batch once the one before is reserved, at most two in
  // flight.
  void MaybeProcessLocked() {
    if (preparing_ || flights_.size() >= 2 || broken_ || buffered_.empty()) {
      return;
    }
    // The client reads slowly: the outcomes unsent and those to come.
    size_t unanswered = writes_.size();
    for (const auto& f : flights_) unanswered += f->batch.size();
    if (unanswered >= 2 * batch_size_) return;
    auto flight = std::make_unique<Flight>();
    const size_t n = std::min(batch_size_, buffered_.size());
    flight->batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      flight->batch.push_back(std::move(buffered_.front()));
      buffered_.pop_front();
    }
    if (read_paused_ && !reads_done_ && buffered_.size() < 2 * batch_size_) {
      read_paused_ = false;
      StartRead(&incoming_);
    }
    preparing_ = true;
    flight->first = next_sequence_;
    next_sequence_ += static_cast<int64_t>(n);
    Flight* f = flight.get();
    flights_.push_back(std::move(flight));
    pool_->Submit([this, f]() { Run(*f); });
  }

  void MaybeWriteLocked() {
    if (writing_ || broken_ || writes_.empty()) return;
    current_ = std::move(writes_.front());
    writes_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  static absl::Status StreamGone() {
    return absl::CancelledError(
        "the upload stream ended before the batch's outcomes were sent");
  }

  void MaybeFinishLocked() {
    if (finished_ || !flights_.empty() || writing_) return;
    if (broken_) {
      // The client left (or its deadline passed) before these batches'
      // outcomes went out: their records, which say OK, are corrected.
      for (const Unsent& u : unsent_) CorrectAudit(u.record, StreamGone());
      unsent_.clear();
      finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "upload cancelled"));
      return;
    }
    if (reads_done_ && buffered_.empty() && writes_.empty()) {
      finished_ = true;
      Finish(ToGrpcStatus(refused_));
    }
  }

  grpc::CallbackServerContext* context_;
  const google::protobuf::MethodDescriptor* method_;
  VisitsApp* app_;
  WorkerPool* pool_;
  const size_t batch_size_;
  UploadQuota* quota_;
  const TraceContext trace_;  // the caller's trace (TraceOfCall)
  int64_t taken_ = 0;         // reports this stream has taken
  auth::v1::Actor actor_;
  CredentialTerm term_;  // the stream ends when the credential does
  bool admitted_ = false;
  absl::Status refused_;
  // Recursive: gRPC may run a reaction inline from a Start* call.
  std::recursive_mutex mu_;
  v1::UploadVisitsRequest incoming_;
  std::deque<Pending> buffered_;
  std::deque<v1::UploadVisitsResponse> writes_;
  std::deque<Unsent> unsent_;  // the batches of writes_ and current_
  v1::UploadVisitsResponse current_;
  int64_t next_sequence_ = 0;
  VisitsApp::IngestStream stream_;
  std::deque<std::unique_ptr<Flight>> flights_;  // in order, at most two
  bool preparing_ = false;  // a batch is being verified and reserved
  bool reads_done_ = false;
  bool read_paused_ = false;
  bool writing_ = false;
  bool broken_ = false;
  bool finished_ = false;
  bool done_ = false;
};

}  // namespace

grpc::ServerBidiReactor<v1::UploadVisitsRequest, v1::UploadVisitsResponse>*
VisitsGrpc::UploadVisits(grpc::CallbackServerContext* context) {
  return new UploadReactor(context, app_, pool_,
                           static_cast<size_t>(batch_size_), quota_);
}

grpc::ServerUnaryReactor* VisitsGrpc::ReportVisit(
    grpc::CallbackServerContext* context, const v1::ReportVisitRequest* request,
    v1::ReportOutcome* response) {
  static const auto* method =
      MethodOf(v1::ReportVisitRequest::descriptor(), "ReportVisit");
  // After the caller is admitted: a stranger cannot spend a provider's
  // quota.
  return RunUnary(context, *pool_, method, request, response,
                  [this, request, response] {
                    if (absl::Status s =
                            quota_->TakeReport(request->report().provider_id());
                        !s.ok()) {
                      return s;
                    }
                    auto result = app_->ReportVisit(*request);
                    if (result.ok()) *response = std::move(*result);
                    return result.status();
                  });
}

}  // namespace lov::visits
