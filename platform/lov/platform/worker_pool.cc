#include "lov/platform/worker_pool.h"

#include <chrono>

#include "lov/platform/metrics.h"

namespace lov {
namespace {

metrics::Gauge& QueuedGauge() {
  static metrics::Gauge& g = metrics::Registry::Default().GetGauge(
      "lov_worker_queue_depth", "Calls waiting for a worker thread", {});
  return g;
}

metrics::Counter& RefusedCounter() {
  static metrics::Counter& c = metrics::Registry::Default().GetCounter(
      "lov_worker_refused_total",
      "Calls refused with RESOURCE_EXHAUSTED because the worker queue was "
      "full",
      {});
  return c;
}

}  // namespace

WorkerPool::WorkerPool(int threads, size_t max_queued)
    : max_queued_(max_queued) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> task;
        {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
          if (tasks_.empty()) return;  // stopping and drained
          task = std::move(tasks_.front());
          tasks_.pop_front();
          QueuedGauge().Set(static_cast<double>(tasks_.size()));
        }
        task();
      }
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tasks_.size() >= max_queued_) {
      RefusedCounter().Inc();
      return false;
    }
    tasks_.push_back(std::move(task));
    QueuedGauge().Set(static_cast<double>(tasks_.size()));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    QueuedGauge().Set(static_cast<double>(tasks_.size()));
  }
  cv_.notify_one();
}

absl::Status StillWanted(const grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return absl::CancelledError(
        "the caller cancelled while the call waited; nothing was done");
  }
  if (context.deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the caller's deadline passed while the call waited for a worker; "
        "nothing was done");
  }
  return absl::OkStatus();
}

}  // namespace lov
