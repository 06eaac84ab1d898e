#include "lov/platform/dependency_monitor.h"

#include <utility>

#include "lov/platform/log.h"
#include "lov/platform/metrics.h"

namespace lov {

DependencyMonitor::DependencyMonitor(std::string service,
                                     std::vector<Dependency> dependencies,
                                     OnChange on_change)
    : service_(std::move(service)),
      dependencies_(std::move(dependencies)),
      on_change_(std::move(on_change)) {}

DependencyMonitor::~DependencyMonitor() { Stop(); }

void DependencyMonitor::CheckNow() {
  std::vector<DependencyDown> down;
  bool changed = reachable_.empty();
  for (const Dependency& d : dependencies_) {
    const absl::Status status = d.check();
    const bool up = status.ok();
    metrics::Registry::Default()
        .GetGauge("lov_dependency_up",
                  "1 while the service reaches the dependency (Kafka, "
                  "Redis), 0 while it does not",
                  {{"service", service_}, {"dependency", d.name}})
        .Set(up ? 1 : 0);
    auto last = reachable_.find(d.name);
    const bool first = last == reachable_.end();
    if (!up) down.push_back({d.name, std::string(status.message())});
    if (!first && last->second == up) continue;
    changed = true;
    reachable_[d.name] = up;
    if (!up) {
      log::Warn("dependency unreachable: not serving until it is back",
                {{"dependency", d.name}, {"error", status}});
    } else if (!first) {
      log::Info("dependency reachable again", {{"dependency", d.name}});
    }
  }
  if (changed) on_change_(down);
}

void DependencyMonitor::Start(absl::Duration interval) {
  rounds_ = std::make_unique<PeriodicRunner>([this] { CheckNow(); }, interval);
  rounds_->Start();
}

void DependencyMonitor::Stop() { rounds_.reset(); }

}  // namespace lov
