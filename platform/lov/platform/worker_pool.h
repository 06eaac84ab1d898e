#ifndef LOV_PLATFORM_WORKER_POOL_H_
#define LOV_PLATFORM_WORKER_POOL_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/call_guard.h"
#include "lov/platform/early_audit.h"
#include "lov/platform/service_host.h"

namespace lov {

// Fixed pool of threads for handler work that blocks (waiting for Kafka to
// acknowledge a write, Redis round trips), so gRPC's callback threads never
// block. Its queue is bounded: when Kafka or Redis is slow and every worker
// waits, new calls are refused at once (RESOURCE_EXHAUSTED) instead of
// queueing without limit behind them.
class WorkerPool {
 public:
  static constexpr size_t kDefaultMaxQueued = 256;
  explicit WorkerPool(int threads, size_t max_queued = kDefaultMaxQueued);
  ~WorkerPool();
  // Queues the task; false (and the task dropped) when max_queued tasks
  // wait already.
  bool TrySubmit(std::function<void()> task);
  // Queues the task whatever the queue's length: for work the service
  // itself must finish (e.g. an upload stream's batch already read).
  void Submit(std::function<void()> task);
  size_t max_queued() const { return max_queued_; }

 private:
  void Push(std::function<void()> task);

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// Why a queued call is not worth starting: the caller cancelled or its
// deadline passed while it waited (OK: start it).
absl::Status StillWanted(const grpc::CallbackServerContext& context);

// The reactor of a unary call whose OK audit record is written before the
// answer (outcome_pending): once gRPC reports the call done (OnDone), the
// record is confirmed if the answer went out (finished OK, not cancelled),
// and corrected CANCELLED if the caller left after the record was written
// (OnCancel, e.g. in the instant between the last check and the answer).
class AuditedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit AuditedUnaryReactor(grpc::CallbackServerContext* context)
      : context_(context) {}
  // Finish, with the record written for the call (empty if none was).
  void FinishAudited(const absl::Status& status,
                     auth::v1::AuditRecord written) {
    written_ = std::move(written);
    answered_ok_ = status.ok();
    Finish(ToGrpcStatus(status));
  }
  void OnCancel() override { cancelled_ = true; }
  void OnDone() override {
    if (answered_ok_ && !cancelled_ && !context_->IsCancelled()) {
      ConfirmAudit(written_);
    } else if (answered_ok_) {
      CorrectAudit(written_,
                   absl::CancelledError("the caller left before the answer "
                                        "reached it"));
    }
    delete this;
  }

 private:
  grpc::CallbackServerContext* const context_;
  // Set by the worker before Finish, read in OnDone (after Finish).
  auth::v1::AuditRecord written_;
  bool answered_ok_ = false;
  std::atomic<bool> cancelled_{false};
};

// One unary call: on the pool, in the caller's trace (TraceOfCall), the
// call guard admits the caller (identity and the RPC's policy), `work` runs
// with the caller as the actor of what it publishes, the audit record is
// written if the policy asks for one, and the call finishes with the mapped
// gRPC status; an OK record is confirmed or corrected once the call is done
// (AuditedUnaryReactor). No exception escapes: one becomes INTERNAL.
template <typename Work>
grpc::ServerUnaryReactor* RunUnary(
    grpc::CallbackServerContext* context, WorkerPool& pool,
    const google::protobuf::MethodDescriptor* method,
    const google::protobuf::Message* request,
    const google::protobuf::Message* response, Work work) {
  auto* reactor = new AuditedUnaryReactor(context);
  const bool queued = pool.TrySubmit([reactor, context, method, request,
                                      response,
                                      work = std::move(work)]() mutable {
    // The call's trace on this worker thread: its logs and events name it.
    ScopedTrace trace(TraceOfCall(*context));
    // Work for a caller that has gone is dropped.
    if (absl::Status wanted = StillWanted(*context); !wanted.ok()) {
      reactor->FinishAudited(wanted, {});
      return;
    }
    auth::v1::Actor actor;
    absl::Status status =
        method == nullptr
            ? absl::InternalError("the RPC has no method descriptor")
            : AdmitCall(*context, *method, *request, &actor);
    // The OK record, if the work sent it while waiting for its events.
    bool sent_early = false;
    absl::Status audited_early;
    auth::v1::AuditRecord written;
    if (status.ok()) {
      ScopedActor as(actor);
      EarlyAudit early(*method, actor, *request);
      try {
        status = work();
      } catch (const std::exception& e) {
        status = absl::InternalError(std::string("unexpected: ") + e.what());
      } catch (...) {
        status = absl::InternalError("unexpected exception");
      }
      sent_early = early.started();
      audited_early = early.Wait(&written);
    }
    if (method != nullptr && (status.ok() || !actor.subject().empty())) {
      // A work that failed after its OK record was sent has it corrected
      // below with its real outcome (the record is that call's record).
      absl::Status audited = sent_early ? audited_early
                                        : AuditCall(*method, actor, *request,
                                                    response, status, &written);
      if (status.ok() && !audited.ok()) status = audited;
      // A record that says OK while the answer does not go out (its write
      // failed or timed out and may yet land, or the caller left while it
      // was written, e.g. Kafka paused past the deadline) is corrected.
      if (absl::Status gone = StillWanted(*context);
          status.ok() && !gone.ok()) {
        status = absl::Status(gone.code(),
                              "the caller had gone by the time the audit "
                              "record was written; nothing was answered");
      }
      CorrectAudit(written, status);
      if (!status.ok()) written.Clear();  // corrected already
    }
    reactor->FinishAudited(status, std::move(written));
  });
  if (!queued) {
    reactor->FinishAudited(
        absl::ResourceExhaustedError(absl::StrCat(
            "the service is busy (", pool.max_queued(),
            " calls are waiting for a worker); nothing was done, retry after "
            "a moment")),
        {});
  }
  return reactor;
}

}  // namespace lov

// The one gRPC handler of a unary RPC: inside a CallbackService with members
// `app_` (whose `Method(const Request&)` returns absl::StatusOr<Response>)
// and `pool_` (WorkerPool*), and with the proto package as `v1`.
#define LOV_UNARY_RPC(Method, Request, Response)                              \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context,      \
                                   const v1::Request* request,                \
                                   v1::Response* response) override {         \
    static const auto* method =                                               \
        ::lov::MethodOf(v1::Request::descriptor(), #Method);                  \
    return ::lov::RunUnary(context, *pool_, method, request, response,        \
                           [this, request, response] {                        \
                             auto result = app_->Method(*request);            \
                             if (result.ok()) *response = std::move(*result); \
                             return result.status();                          \
                           });                                                \
  }

#endif  // LOV_PLATFORM_WORKER_POOL_H_
