#ifndef LOV_PLATFORM_CORRECTION_QUEUE_H_
#define LOV_PLATFORM_CORRECTION_QUEUE_H_

// Audit corrections (CorrectAudit, call_guard.h) are written after the call
// has ended, so nobody waits for them; but a correction must not be lost
// because Kafka stayed away longer than one delivery timeout after the
// record it corrects landed. Each waits in a bounded queue and is sent
// again, with back-off, until it is stored or the process ends, in the
// order they came (a person's corrections stay in order). Confirmations
// (ConfirmAudit) go the same way. While Kafka stores them, all that wait
// are sent together (the producer batches them); after a failure the
// first waiting one is tried alone until it is stored.
// At shutdown the service drains the queue for a few seconds (Drain) before
// it stops it, so corrections of the last calls are not lost to a restart.
// A try that timed out may still land, so a correction can be stored twice;
// the audit service keeps a record id once, so it is listed once.
//
// Metrics: lov_audit_corrections_pending (waiting, the one being sent
// included), lov_audit_corrections_dropped_total (refused by a full queue,
// or still waiting when the process stopped; each also logged as an error
// with its record id).

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/auth/v1/audit.pb.h"

namespace lov {

class CorrectionQueue {
 public:
  static constexpr size_t kDefaultMaxPending = 10000;
  // At most this many records are sent together (see Run).
  static constexpr size_t kMaxBatch = 1000;
  using Done = std::function<void(absl::Status)>;
  // Starts writing one record; calls `done` once with its outcome, on any
  // thread, possibly after the queue is gone (it then does nothing).
  using Send = std::function<void(const auth::v1::AuditRecord&, Done)>;
  struct Options {
    size_t max_pending = kDefaultMaxPending;
    // The wait after a failed try, doubled after each failure up to
    // max_retry, back to first_retry after a success.
    absl::Duration first_retry = absl::Seconds(1);
    absl::Duration max_retry = absl::Seconds(30);
    // A try with no outcome by then counts as failed (a lost callback must
    // not stop the queue); an outcome that comes later is ignored.
    absl::Duration try_timeout = absl::Seconds(60);
    // For tests only (--audit-confirmation-hold-ms): a confirmation is sent
    // no sooner than this after its time, one at a time, so that a test can
    // kill the service between a record and its confirmation. Drain sends
    // it at once.
    absl::Duration confirmation_hold = absl::ZeroDuration();
  };

  CorrectionQueue(Send send, Options options);
  ~CorrectionQueue();  // Stop()
  CorrectionQueue(const CorrectionQueue&) = delete;
  CorrectionQueue& operator=(const CorrectionQueue&) = delete;

  // Queues the correction; false (dropped, logged and counted) when
  // max_pending wait already or the queue was stopped.
  bool Add(const auth::v1::AuditRecord& correction);
  // Waits up to `within` until nothing waits any more; a correction in its
  // back-off is tried again at once (once). True when the queue is empty.
  // Call before Stop() at shutdown, while the producer is still there.
  bool Drain(absl::Duration within);
  // Stops sending; a correction still waiting is logged as not written and
  // counted as dropped. A try under way is not waited for (the producer's
  // flush at shutdown still delivers it). Idempotent.
  void Stop();
  // Waiting now, the one being sent included.
  size_t pending() const;

 private:
  struct State;
  void Run();

  const Send send_;
  const Options options_;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_CORRECTION_QUEUE_H_
