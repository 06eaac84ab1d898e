#ifndef LOV_SERVICES_FOLLOWUP_ADAPTERS_OVERDUE_GAUGES_H_
#define LOV_SERVICES_FOLLOWUP_ADAPTERS_OVERDUE_GAUGES_H_

#include "lov/followup/app/followup_app.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/periodic_runner.h"

namespace lov::followup {

// lov_followup_overdue{kind="complaint"|"deviation"|"action_plan"}: what is
// overdue today, counted every minute while the service serves (the alert
// rules in deploy/prometheus/alerts.yml). A failed count keeps the last
// values and is logged.
class OverdueGauges {
 public:
  explicit OverdueGauges(FollowupApp* app)
      : app_(app), runner_([this] { Count(); }, absl::Minutes(1)) {}
  void Start() { runner_.Start(); }
  void Stop() { runner_.Stop(); }

 private:
  static metrics::Gauge& Kind(const char* kind) {
    return metrics::Registry::Default().GetGauge(
        "lov_followup_overdue",
        "Complaints, lex Sarah reports (IVO) and action plans overdue today",
        {{"kind", kind}});
  }
  void Count() {
    absl::StatusOr<FollowupApp::OverdueCounts> n = app_->CountOverdue();
    if (!n.ok()) {
      log::Warn("counting overdue follow-up items failed",
                {{"error", n.status()}});
      return;
    }
    Kind("complaint").Set(n->complaints);
    Kind("deviation").Set(n->deviations);
    Kind("action_plan").Set(n->action_plans);
  }

  FollowupApp* app_;
  PeriodicRunner runner_;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_ADAPTERS_OVERDUE_GAUGES_H_
