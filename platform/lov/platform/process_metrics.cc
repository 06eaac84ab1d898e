#include "lov/platform/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef LOV_VERSION
#define LOV_VERSION "unknown"
#endif
#ifndef LOV_COMMIT
#define LOV_COMMIT "unknown"
#endif

namespace lov::metrics {
namespace {

struct ProcStat {
  bool ok = false;
  double cpu_seconds = 0;
  double start_ticks = 0;
  double virtual_bytes = 0;
  double resident_pages = 0;
};

// /proc/self/stat: the fields after the command name (which may hold spaces
// and parentheses, so the text after the last ')' is read).
ProcStat ReadStat() {
  ProcStat out;
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> f;
  for (std::string s; fields >> s;) f.push_back(s);
  // Field 3 (state) is f[0]; utime is field 14, stime 15, starttime 22,
  // vsize 23, rss 24 (proc(5)).
  if (f.size() < 22) return out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  out.start_ticks = std::stod(f[19]);
  out.virtual_bytes = std::stod(f[20]);
  out.resident_pages = std::stod(f[21]);
  out.ok = true;
  return out;
}

// The boot time (seconds since the epoch), from /proc/stat's btime line.
double BootTime() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the directory stream's own descriptor
}

}  // namespace

std::string BuildVersion() { return LOV_VERSION; }
std::string BuildCommit() { return LOV_COMMIT; }

void RegisterProcessMetrics(Registry& registry) {
  registry
      .GetGauge("lov_build_info",
                "1, labelled with the version and commit of the running build",
                {{"version", BuildVersion()}, {"commit", BuildCommit()}})
      .Set(1);
  Counter* cpu = &registry.GetCounter(
      "process_cpu_seconds_total", "Total user and system CPU time, seconds");
  Gauge* resident = &registry.GetGauge("process_resident_memory_bytes",
                                       "Resident memory size in bytes");
  Gauge* virt = &registry.GetGauge("process_virtual_memory_bytes",
                                   "Virtual memory size in bytes");
  Gauge* fds =
      &registry.GetGauge("process_open_fds", "Number of open file descriptors");
  Gauge* max_fds = &registry.GetGauge(
      "process_max_fds", "Maximum number of open file descriptors");
  Gauge* start = &registry.GetGauge(
      "process_start_time_seconds",
      "Start time of the process since the Unix epoch, seconds");
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double boot = BootTime();
  registry.AddCollector([=] {
    ProcStat stat = ReadStat();
    if (stat.ok) {
      cpu->SetTotal(stat.cpu_seconds);
      resident->Set(stat.resident_pages * page);
      virt->Set(stat.virtual_bytes);
      start->Set(boot + stat.start_ticks / ticks);
    }
    fds->Set(OpenFds());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      max_fds->Set(static_cast<double>(limit.rlim_cur));
    }
  });
}

}  // namespace lov::metrics
