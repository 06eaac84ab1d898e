#ifndef LOV_SERVICES_CHOICE_APP_DAILY_RUNNER_H_
#define LOV_SERVICES_CHOICE_APP_DAILY_RUNNER_H_

#include <functional>
#include <optional>

#include "absl/time/time.h"
#include "lov/choice/app/choice_app.h"
#include "lov/platform/clock.h"
#include "lov/platform/log.h"
#include "lov/platform/periodic_runner.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {

// From Start(): runs `work` once and again whenever the Stockholm date
// changes (checked every `poll`), on its own thread until Stop(). The work
// is idempotent, so several replicas may each run it.
class DailyRunner {
 public:
  DailyRunner(const Clock* clock, std::function<void()> work,
              absl::Duration poll = absl::Minutes(1))
      : runner_(
            [this, clock, work = std::move(work)] {
              const absl::CivilDay today = StockholmDate(clock->Now());
              if (last_run_ == today) return;
              work();
              last_run_ = today;
            },
            poll) {}

  void Start() { runner_.Start(); }
  void Stop() { runner_.Stop(); }

 private:
  // Touched by the runner's thread only.
  std::optional<absl::CivilDay> last_run_;
  PeriodicRunner runner_;
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
