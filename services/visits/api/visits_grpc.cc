#include "lov/visits/api/visits_grpc.h"

#include <deque>
#include <mutex>

#include "lov/platform/call_guard.h"
#include "lov/platform/log.h"

namespace lov::visits {
namespace {

// One upload stream. Reads run ahead of the batch being handled, up to two
// batches; outcomes are written in the order the reports came. A client
// that stops reading its outcomes stops the stream: no new batch starts
// (and so no more reads) while two batches' outcomes are unsent, so memory
// stays bounded however long it sends. Each report read spends a token of
// its provider's quota and one of the stream's cap (UploadQuota); past
// either, nothing more is read and the stream ends RESOURCE_EXHAUSTED with
// a RetryInfo once every report read before was answered.
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
        quota_(quota) {
    StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!ok) {
      reads_done_ = true;
    } else if (absl::Status s = Admit(); !s.ok()) {
      // What was admitted before is still handled; then the refusal ends
      // the stream.
      refused_ = s;
      reads_done_ = true;
    } else if (absl::Status s = TakeQuota(); !s.ok()) {
      // Over the provider's quota or the stream's cap: this report and the
      // ones after it are not read, so not answered; the refusal (with its
      // RetryInfo) ends the stream once the earlier ones are.
      refused_ = s;
      reads_done_ = true;
    } else {
      buffered_.push_back(std::move(*incoming_.mutable_report()));
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
    if (!ok) broken_ = true;
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
      if (processing_) return;  // the batch in flight deletes us
    }
    delete this;
  }

 private:
  // The first report admits the caller (credential and policy); every
  // report after it must stay in the caller's scope.
  absl::Status Admit() {
    if (method_ == nullptr) return absl::InternalError("UploadVisits unknown");
    absl::Status s = admitted_
                         ? AdmitNext(*method_, actor_, incoming_)
                         : AdmitCall(*context_, *method_, incoming_, &actor_);
    if (s.ok()) {
      admitted_ = true;
    } else if (!actor_.subject().empty()) {
      RecordAudit(*method_, actor_, {incoming_.report().client_id()},
                  {incoming_.report().provider_id()}, "", s)
          .IgnoreError();  // the call is refused either way
    }
    return s;
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
  // cannot be written.
  void Audit(const std::vector<v1::VisitReport>& batch,
             std::vector<v1::ReportOutcome>& outcomes) {
    std::vector<std::string> clients, providers;
    for (const auto& r : batch) {
      clients.push_back(r.client_id());
      providers.push_back(r.provider_id());
    }
    absl::Status s =
        RecordAudit(*method_, actor_, clients, providers, "", absl::OkStatus());
    if (s.ok()) return;
    for (auto& o : outcomes) {
      o.set_error_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
      o.set_error_message(std::string(s.message()));
    }
  }

  void MaybeProcessLocked() {
    if (processing_ || broken_ || buffered_.empty()) return;
    if (writes_.size() >= 2 * batch_size_) return;  // the client reads slowly
    std::vector<v1::VisitReport> batch;
    const size_t n = std::min(batch_size_, buffered_.size());
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(buffered_.front()));
      buffered_.pop_front();
    }
    if (read_paused_ && !reads_done_ && buffered_.size() < 2 * batch_size_) {
      read_paused_ = false;
      StartRead(&incoming_);
    }
    processing_ = true;
    const int64_t first = next_sequence_;
    next_sequence_ += static_cast<int64_t>(n);
    pool_->Submit([this, batch = std::move(batch), first] {
      std::vector<v1::ReportOutcome> outcomes;
      try {
        ScopedActor as(actor_);
        outcomes = app_->Ingest(batch);
        Audit(batch, outcomes);
      } catch (const std::exception& e) {
        log::Error("upload batch failed", {{"error", e.what()}});
        outcomes.resize(batch.size());
        for (auto& o : outcomes) {
          o.set_error_code(static_cast<int>(grpc::StatusCode::INTERNAL));
          o.set_error_message("unexpected error; send the report again");
        }
      }
      bool delete_me = false;
      {
        std::lock_guard<std::recursive_mutex> lock(mu_);
        processing_ = false;
        if (done_) {
          delete_me = true;
        } else {
          for (size_t i = 0; i < outcomes.size(); ++i) {
            outcomes[i].set_sequence(first + static_cast<int64_t>(i));
            v1::UploadVisitsResponse r;
            *r.mutable_outcome() = std::move(outcomes[i]);
            writes_.push_back(std::move(r));
          }
          MaybeWriteLocked();
          MaybeProcessLocked();
          MaybeFinishLocked();
        }
      }
      if (delete_me) delete this;
    });
  }

  void MaybeWriteLocked() {
    if (writing_ || broken_ || writes_.empty()) return;
    current_ = std::move(writes_.front());
    writes_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void MaybeFinishLocked() {
    if (finished_ || processing_ || writing_) return;
    if (broken_) {
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
  int64_t taken_ = 0;  // reports this stream has taken
  auth::v1::Actor actor_;
  bool admitted_ = false;
  absl::Status refused_;
  // Recursive: gRPC may run a reaction inline from a Start* call.
  std::recursive_mutex mu_;
  v1::UploadVisitsRequest incoming_;
  std::deque<v1::VisitReport> buffered_;
  std::deque<v1::UploadVisitsResponse> writes_;
  v1::UploadVisitsResponse current_;
  int64_t next_sequence_ = 0;
  bool reads_done_ = false;
  bool read_paused_ = false;
  bool processing_ = false;
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
