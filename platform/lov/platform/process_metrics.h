#ifndef LOV_PLATFORM_PROCESS_METRICS_H_
#define LOV_PLATFORM_PROCESS_METRICS_H_

#include <string>

#include "lov/platform/metrics.h"

namespace lov::metrics {

// What a process exports beside its own metrics, named as Prometheus' client
// libraries name them, so that the usual dashboards and alerts find them:
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds   read from /proc/self at every scrape;
//   lov_build_info{version,commit} 1, which build runs.
// Call once per registry (ServiceHost does, for Registry::Default()).
void RegisterProcessMetrics(Registry& registry);

// The build's version (CMake's PROJECT_VERSION) and commit (git, at
// configure time; "unknown" outside a git checkout).
std::string BuildVersion();
std::string BuildCommit();

}  // namespace lov::metrics

#endif  // LOV_PLATFORM_PROCESS_METRICS_H_
