#ifndef LOV_SERVICES_FOLLOWUP_ADAPTERS_INDICATOR_PUBLISHING_H_
#define LOV_SERVICES_FOLLOWUP_ADAPTERS_INDICATOR_PUBLISHING_H_

#include "lov/followup/app/followup_app.h"
#include "lov/platform/log.h"
#include "lov/platform/periodic_runner.h"

namespace lov::followup {

// How often the indicators are recomputed for today and the changed ones
// published (--indicators-every-seconds; docs/followup.md).
inline constexpr int kIndicatorsEverySeconds = 300;

// Runs FollowupApp::PublishIndicators at start and then every `every`
// while the service serves; a failed run is logged and the next one
// retries.
class IndicatorPublishing {
 public:
  IndicatorPublishing(FollowupApp* app, absl::Duration every)
      : app_(app), runner_([this] { Run(); }, every) {}
  void Start() { runner_.Start(); }
  void Stop() { runner_.Stop(); }

 private:
  void Run() {
    absl::StatusOr<int> n = app_->PublishIndicators();
    if (!n.ok()) {
      log::Warn("publishing provider indicators failed",
                {{"error", n.status()}});
    } else if (*n > 0) {
      log::Info("provider indicators published", {{"rows", *n}});
    }
  }

  FollowupApp* app_;
  PeriodicRunner runner_;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_ADAPTERS_INDICATOR_PUBLISHING_H_
