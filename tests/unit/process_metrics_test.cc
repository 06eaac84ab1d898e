#include "lov/platform/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "lov/platform/grpc_server_metrics.h"
#include "lov/platform/metrics.h"

namespace lov::metrics {
namespace {

// The samples of a rendered page: the whole series text before the value
// ("name{labels}") -> value.
std::map<std::string, double> Samples(const std::string& page) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    double v = 0;
    if (absl::SimpleAtod(line.substr(space + 1), &v)) {
      out[std::string(line.substr(0, space))] = v;
    }
  }
  return out;
}

TEST(ProcessMetricsTest, ReadsThisProcessFromProc) {
  Registry registry;
  RegisterProcessMetrics(registry);
  const std::string page = registry.Render();
  std::map<std::string, double> s = Samples(page);
  EXPECT_NE(page.find("# TYPE process_cpu_seconds_total counter"),
            std::string::npos)
      << page;
  for (const char* gauge :
       {"process_resident_memory_bytes", "process_virtual_memory_bytes",
        "process_open_fds", "process_max_fds", "process_start_time_seconds"}) {
    EXPECT_NE(page.find(std::string("# TYPE ") + gauge + " gauge"),
              std::string::npos)
        << gauge << "\n"
        << page;
  }
  EXPECT_GE(s["process_cpu_seconds_total"], 0);
  // A test binary holds megabytes, not bytes, and has stdin/out/err open.
  EXPECT_GT(s["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GE(s["process_virtual_memory_bytes"],
            s["process_resident_memory_bytes"]);
  EXPECT_GE(s["process_open_fds"], 3);
  EXPECT_GE(s["process_max_fds"], s["process_open_fds"]);
  // Started before now and within the last year. The kernel's boot time
  // (/proc/stat btime) drifts from the wall clock by a few seconds on a VM,
  // hence the margin.
  const double now = absl::ToUnixSeconds(absl::Now());
  EXPECT_LE(s["process_start_time_seconds"], now + 120);
  EXPECT_GT(s["process_start_time_seconds"], now - 366 * 86400.0);
}

TEST(ProcessMetricsTest, OpenFdsFollowsTheDescriptorsThisProcessOpens) {
  Registry registry;
  RegisterProcessMetrics(registry);
  const double before = Samples(registry.Render())["process_open_fds"];
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const double during = Samples(registry.Render())["process_open_fds"];
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(during, before + 2);
}

TEST(ProcessMetricsTest, BuildInfoNamesVersionAndCommit) {
  Registry registry;
  RegisterProcessMetrics(registry);
  const std::string page = registry.Render();
  EXPECT_NE(BuildVersion(), "unknown");
  EXPECT_FALSE(BuildCommit().empty());
  const std::string series = "lov_build_info{commit=\"" + BuildCommit() +
                             "\",version=\"" + BuildVersion() + "\"}";
  EXPECT_EQ(Samples(page)[series], 1) << page;
  EXPECT_EQ(page.find("# TYPE lov_build_info gauge"),
            page.rfind("# TYPE lov_build_info gauge"));
}

TEST(ProcessMetricsTest, ACounterCopiedFromItsSourceRendersAsCounter) {
  Registry registry;
  Counter& handled = registry.GetCounter("lov_events_consumed_total",
                                         "Events handled", {{"group", "g"}});
  handled.SetTotal(41);
  handled.SetTotal(42);
  const std::string page = registry.Render();
  EXPECT_NE(page.find("# TYPE lov_events_consumed_total counter"),
            std::string::npos)
      << page;
  EXPECT_EQ(Samples(page)["lov_events_consumed_total{group=\"g\"}"], 42);
}

TEST(GrpcServerMetricsTest, CodesAreNamedAsGrpcGoNamesThem) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::CANCELLED), "Canceled");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::NOT_FOUND), "NotFound");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION),
            "FailedPrecondition");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "Unauthenticated");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "Unknown");
}

}  // namespace
}  // namespace lov::metrics
