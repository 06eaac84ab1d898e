#ifndef LOV_SERVICES_CHOICE_APP_DAILY_RUNNER_H_
#define LOV_SERVICES_CHOICE_APP_DAILY_RUNNER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "lov/choice/app/choice_app.h"
#include "lov/platform/clock.h"
#include "lov/platform/log.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {

// From Start(): runs `work` once and again whenever the Stockholm date
// changes (checked every `poll`), on its own thread until Stop(). The work
// is idempotent, so several replicas may each run it.
class DailyRunner {
 public:
  DailyRunner(const Clock* clock, std::function<void()> work,
              absl::Duration poll = absl::Minutes(1))
      : clock_(clock), work_(std::move(work)), poll_(poll) {}
  ~DailyRunner() { Stop(); }

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
    absl::CivilDay last_run;
    bool ran = false;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      const absl::CivilDay today = StockholmDate(clock_->Now());
      if (!ran || today != last_run) {
        lock.unlock();
        work_();
        lock.lock();
        ran = true;
        last_run = today;
      }
      cv_.wait_for(lock, absl::ToChronoSeconds(poll_),
                   [this] { return stop_; });
    }
  }

  const Clock* clock_;
  std::function<void()> work_;
  absl::Duration poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Allocates the re-choice cases that passed their deadline
// (RunDueAllocations), logging the outcome: the daily work of the service.
inline std::function<void()> DueAllocations(ChoiceApp* app) {
  return [app] {
    absl::StatusOr<v1::RunDueAllocationsResponse> result =
        app->RunDueAllocations({});
    if (!result.ok()) {
      log::Error("due allocations failed", {{"error", result.status()}});
      return;
    }
    log::Info("due allocations run", {{"allocated", result->allocated_size()},
                                      {"failed", result->failed_size()}});
  };
}

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_DAILY_RUNNER_H_
