#ifndef LOV_PLATFORM_PERIODIC_RUNNER_H_
#define LOV_PLATFORM_PERIODIC_RUNNER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/time/time.h"

namespace lov {

// From Start(): runs `work` at once and then `every` after each run ended,
// on its own thread until Stop() (which returns once a run in progress has
// ended).
class PeriodicRunner {
 public:
  PeriodicRunner(std::function<void()> work, absl::Duration every)
      : work_(std::move(work)), every_(every) {}
  ~PeriodicRunner() { Stop(); }
  PeriodicRunner(const PeriodicRunner&) = delete;
  PeriodicRunner& operator=(const PeriodicRunner&) = delete;

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      work_();
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(every_),
                   [this] { return stop_; });
    }
  }

  std::function<void()> work_;
  absl::Duration every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_PERIODIC_RUNNER_H_
