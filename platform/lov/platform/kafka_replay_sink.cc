#include "lov/platform/kafka_replay_sink.h"

#include <algorithm>
#include <utility>

#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"

namespace lov::kafka_internal {

ReplaySink::ReplaySink(const EventHandler& handler,
                       const BatchEventHandler& batch, bool overlap)
    : handler_(handler), batch_(batch) {
  if (batch_ && overlap) worker_ = std::thread([this] { Work(); });
}

ReplaySink::~ReplaySink() {
  if (!worker_.joinable()) return;
  Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void ReplaySink::Flush() {
  if (pending_.empty()) return;
  ++batches_;
  largest_ = std::max(largest_, static_cast<int64_t>(pending_.size()));
  if (!worker_.joinable()) {
    Handle(pending_);
    pending_.clear();
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
  in_flight_.swap(pending_);
  pending_.clear();
  busy_ = true;
  lock.unlock();
  cv_.notify_all();
}

void ReplaySink::Finish() {
  if (!worker_.joinable()) return;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
}

void ReplaySink::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return busy_ || stop_; });
    if (!busy_) return;  // stopped with nothing handed on
    lock.unlock();
    Handle(in_flight_);
    lock.lock();
    in_flight_.clear();
    busy_ = false;
    cv_.notify_all();
  }
}

void ReplaySink::Handle(const std::vector<CloudEvent>& events) {
  if (events.size() > 1 && batch_) {
    absl::Status s = GuardedBatch(batch_, events);
    if (s.ok()) return;
    log::Warn("replay: batch handling failed; handling the events one by one",
              {{"events", static_cast<int64_t>(events.size())}, {"error", s}});
  }
  for (const CloudEvent& event : events) One(event);
}

void ReplaySink::One(const CloudEvent& event) {
  while (true) {
    absl::Status hs = Guarded(handler_, event);
    if (!hs.ok() && IsTransient(hs)) {
      log::Warn(
          "replay: event handling failed; will retry",
          {{"topic", event.topic}, {"offset", event.offset}, {"error", hs}});
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff_));
      backoff_ = std::min(backoff_ * 2, absl::Seconds(5));
      continue;
    }
    backoff_ = absl::Milliseconds(100);
    if (!hs.ok()) {
      log::Warn(
          "replay skipped poison event",
          {{"topic", event.topic}, {"offset", event.offset}, {"error", hs}});
    }
    return;
  }
}

}  // namespace lov::kafka_internal
