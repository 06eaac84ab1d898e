#include "lov/platform/correction_queue.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/proto_util.h"

namespace lov {
namespace {

metrics::Gauge& Pending() {
  static metrics::Gauge& gauge = metrics::Registry::Default().GetGauge(
      "lov_audit_corrections_pending",
      "Audit corrections waiting to be written to the audit log (sent again "
      "until stored; docs/security.md)");
  return gauge;
}

metrics::Counter& Dropped() {
  static metrics::Counter& counter = metrics::Registry::Default().GetCounter(
      "lov_audit_corrections_dropped_total",
      "Audit corrections never written: the queue was full, or the process "
      "stopped while they waited (each logged with its record id)");
  return counter;
}

}  // namespace

// Shared with the outcome callbacks, which may outlive the queue.
struct CorrectionQueue::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<auth::v1::AuditRecord> queue;
  bool stop = false;
  bool retry_now = false;  // Drain: end the current back-off early
  uint64_t attempt = 0;    // the try whose outcomes are awaited
  std::vector<std::optional<absl::Status>> outcomes;  // of its records
  size_t answered = 0;                                // outcomes received
};

CorrectionQueue::CorrectionQueue(Send send, Options options)
    : send_(std::move(send)),
      options_(options),
      state_(std::make_shared<State>()) {
  thread_ = std::thread([this] { Run(); });
}

CorrectionQueue::~CorrectionQueue() { Stop(); }

bool CorrectionQueue::Add(const auth::v1::AuditRecord& correction) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->stop || state_->queue.size() >= options_.max_pending) {
    Dropped().Inc();
    log::Error("audit correction dropped: the queue is full or stopped",
               {{"record_id", correction.record_id()},
                {"corrects_record_id", correction.corrects_record_id()},
                {"method", correction.method()},
                {"max_pending", static_cast<uint64_t>(options_.max_pending)}});
    return false;
  }
  state_->queue.push_back(correction);
  Pending().Add(1);
  state_->cv.notify_all();
  return true;
}

void CorrectionQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
    state_->cv.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const auth::v1::AuditRecord& left : state_->queue) {
    Dropped().Inc();
    log::Error(
        "audit correction may be lost: the process stopped before Kafka "
        "acknowledged it",
        {{"record_id", left.record_id()},
         {"corrects_record_id", left.corrects_record_id()},
         {"method", left.method()}});
  }
  Pending().Add(-static_cast<double>(state_->queue.size()));
  state_->queue.clear();
}

bool CorrectionQueue::Drain(absl::Duration within) {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->retry_now = true;
  state_->cv.notify_all();
  return state_->cv.wait_for(lock, absl::ToChronoMilliseconds(within), [this] {
    return state_->stop || state_->queue.empty();
  }) && state_->queue.empty();
}

size_t CorrectionQueue::pending() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->queue.size();
}

void CorrectionQueue::Run() {
  State& st = *state_;
  absl::Duration backoff = options_.first_retry;
  // After a failure the front is tried alone until it is stored; while
  // Kafka stores them, all that wait (up to kMaxBatch) are sent together
  // so the producer batches them (one confirmation per answered call).
  bool healthy = false;
  std::unique_lock<std::mutex> lock(st.mu);
  while (true) {
    st.cv.wait(lock, [&st] { return st.stop || !st.queue.empty(); });
    if (st.stop) return;
    const bool hold = options_.confirmation_hold > absl::ZeroDuration();
    if (hold && !st.retry_now &&
        !st.queue.front().confirms_record_id().empty()) {
      const absl::Time due =
          FromProtoTime(st.queue.front().at()) + options_.confirmation_hold;
      if (absl::Now() < due) {
        st.cv.wait_for(lock, absl::ToChronoMilliseconds(due - absl::Now()),
                       [&st] { return st.stop || st.retry_now; });
        continue;
      }
    }
    const size_t n =
        healthy && !hold ? std::min(st.queue.size(), kMaxBatch) : 1;
    const std::vector<auth::v1::AuditRecord> batch(st.queue.begin(),
                                                   st.queue.begin() + n);
    const uint64_t attempt = ++st.attempt;
    st.outcomes.assign(n, std::nullopt);
    st.answered = 0;
    lock.unlock();
    for (size_t i = 0; i < n; ++i) {
      send_(batch[i], [state = state_, attempt, i](absl::Status s) {
        std::lock_guard<std::mutex> l(state->mu);
        if (state->attempt != attempt || state->outcomes[i].has_value()) {
          return;
        }
        state->outcomes[i] = std::move(s);
        ++state->answered;
        state->cv.notify_all();
      });
    }
    lock.lock();
    st.cv.wait_for(lock, absl::ToChronoMilliseconds(options_.try_timeout),
                   [&st, n] { return st.stop || st.answered == n; });
    if (st.stop) return;
    ++st.attempt;  // a late outcome of this try is ignored
    // The stored ones leave the queue; the others stay in front, in order.
    std::deque<auth::v1::AuditRecord> failed;
    absl::Status failure;
    for (size_t i = 0; i < n; ++i) {
      const absl::Status outcome =
          st.outcomes[i].value_or(absl::DeadlineExceededError(
              absl::StrCat("no outcome within ",
                           absl::FormatDuration(options_.try_timeout))));
      if (outcome.ok()) continue;
      if (failed.empty()) failure = outcome;
      failed.push_back(std::move(st.queue[i]));
    }
    st.queue.erase(st.queue.begin(), st.queue.begin() + n);
    st.queue.insert(st.queue.begin(), std::make_move_iterator(failed.begin()),
                    std::make_move_iterator(failed.end()));
    Pending().Add(-static_cast<double>(n - failed.size()));
    // Drain waits for an empty queue.
    if (failed.size() < n) st.cv.notify_all();
    healthy = failed.empty();
    if (healthy) {
      backoff = options_.first_retry;
      continue;
    }
    log::Warn("audit correction not written yet; sent again later",
              {{"record_id", st.queue.front().record_id()},
               {"method", st.queue.front().method()},
               {"waiting", static_cast<uint64_t>(st.queue.size())},
               {"error", failure},
               {"retry_in", absl::FormatDuration(backoff)}});
    st.cv.wait_for(lock, absl::ToChronoMilliseconds(backoff),
                   [&st] { return st.stop || st.retry_now; });
    st.retry_now = false;
    backoff = std::min(backoff * 2, options_.max_retry);
  }
}

}  // namespace lov
