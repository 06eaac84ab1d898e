#ifndef LOV_PLATFORM_DEPENDENCY_MONITOR_H_
#define LOV_PLATFORM_DEPENDENCY_MONITOR_H_

// A service is only of use while it reaches what it depends on: Kafka (the
// system of record) and Redis (its serving state). The monitor asks each
// dependency on a thread of its own every few seconds, so that health can
// tell the truth during an outage without the process being restarted.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/periodic_runner.h"

namespace lov {

struct Dependency {
  std::string name;  // "kafka", "redis": the metric label and the log field
  // OK while reachable. Returns within a short timeout of its own, so that
  // one dependency that hangs does not hide the others.
  std::function<absl::Status()> check;
};

// A dependency its last check found unreachable, and why.
struct DependencyDown {
  std::string name;
  std::string error;
};

class DependencyMonitor {
 public:
  // Told which dependencies are unreachable (empty: none) after the first
  // round of checks and after every round that changed which ones are.
  using OnChange = std::function<void(const std::vector<DependencyDown>&)>;

  // `service` labels the metric lov_dependency_up{service, dependency}.
  DependencyMonitor(std::string service, std::vector<Dependency> dependencies,
                    OnChange on_change);
  ~DependencyMonitor();  // Stop()
  DependencyMonitor(const DependencyMonitor&) = delete;
  DependencyMonitor& operator=(const DependencyMonitor&) = delete;

  // One round (not while Start()ed): checks every dependency, sets
  // lov_dependency_up to 1 or 0, logs each dependency that went down or came
  // back (not every check), and calls on_change as described above.
  void CheckNow();
  // Rounds on a thread of its own, the first at once, then one `interval`
  // after the previous round ended, until Stop().
  void Start(absl::Duration interval);
  void Stop();

 private:
  std::string service_;
  std::vector<Dependency> dependencies_;
  OnChange on_change_;
  // Whether each dependency was reachable at its last check; absent before
  // the first round.
  std::map<std::string, bool> reachable_;
  std::unique_ptr<PeriodicRunner> rounds_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_DEPENDENCY_MONITOR_H_
