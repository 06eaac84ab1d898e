// Every service's /metrics as Prometheus' own linter reads it: each service
// binary started as in production (ServiceTestStack), its page piped through
// `promtool check metrics` (Debian's prometheus package), which fails on a
// problem of format or naming (a gauge named like a counter, a counter
// without _total, a missing HELP, ...). And the conventions the dashboards
// and alert rules rely on: grpc-ecosystem names for the gRPC metrics,
// process_* and lov_build_info, the consumer totals as counters.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/http_server.h"
#include "lov/platform/process_metrics.h"
#include "service_test_stack.h"

namespace lov {
namespace {

using ::lov::testing::FreePort;
using ::lov::testing::ServiceTestStack;

struct Checked {
  int exit_code = -1;
  std::string output;  // promtool's problems, one a line
};

// `promtool check metrics` over `page` on its standard input.
Checked PromtoolCheckMetrics(const std::string& page) {
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/metrics.txt";
  const std::string out = dir + "/promtool.out";
  std::ofstream(in) << page;
  const std::string command =
      absl::StrCat(LOV_PROMTOOL, " check metrics <", in, " >", out, " 2>&1");
  Checked c;
  int status = std::system(command.c_str());
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream f(out);
  c.output.assign(std::istreambuf_iterator<char>(f),
                  std::istreambuf_iterator<char>());
  return c;
}

// The check fails on what promlint rejects, or passing proves nothing.
TEST(MetricsConventionsTest, PromtoolRejectsAGaugeNamedLikeACounter) {
  Checked bad = PromtoolCheckMetrics(
      "# HELP lov_events_consumed_total Events handled\n"
      "# TYPE lov_events_consumed_total gauge\n"
      "lov_events_consumed_total{group=\"g\"} 3\n");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(bad.output,
                                "non-counter metrics should not "
                                "have \"_total\" suffix"))
      << bad.output;
  Checked good = PromtoolCheckMetrics(
      "# HELP lov_events_consumed_total Events handled\n"
      "# TYPE lov_events_consumed_total counter\n"
      "lov_events_consumed_total{group=\"g\"} 3\n");
  EXPECT_EQ(good.exit_code, 0) << good.output;
}

TEST(MetricsConventionsTest, EveryServicesMetricsPassPromtoolCheckMetrics) {
  ServiceTestStack stack;
  for (const char* service :
       {"registry", "choice", "visits", "settlement", "followup", "audit"}) {
    absl::Status started = stack.Start(service);
    ASSERT_TRUE(started.ok()) << started;
  }
  absl::Status console =
      stack.Start("console", {absl::StrCat("--http-port=", FreePort()),
                              "--http-listen-address=127.0.0.1"});
  ASSERT_TRUE(console.ok()) << console;

  for (const char* service : {"registry", "choice", "visits", "settlement",
                              "followup", "audit", "console"}) {
    SCOPED_TRACE(service);
    absl::StatusOr<std::string> page = http::Get(
        absl::StrCat("127.0.0.1:", stack.process(service).metrics_port()),
        "/metrics", 5000);
    ASSERT_TRUE(page.ok()) << page.status();
    Checked checked = PromtoolCheckMetrics(*page);
    EXPECT_EQ(checked.exit_code, 0) << checked.output << "\n" << *page;
    EXPECT_EQ(checked.output, "") << *page;

    // The process and the build.
    for (const char* family : {"# TYPE process_cpu_seconds_total counter",
                               "# TYPE process_resident_memory_bytes gauge",
                               "# TYPE process_open_fds gauge",
                               "# TYPE process_start_time_seconds gauge",
                               "# TYPE lov_build_info gauge"}) {
      EXPECT_TRUE(absl::StrContains(*page, family)) << family << "\n" << *page;
    }
    EXPECT_TRUE(absl::StrContains(
        *page,
        absl::StrCat("lov_build_info{commit=\"", metrics::BuildCommit(),
                     "\",version=\"", metrics::BuildVersion(), "\"} 1\n")))
        << *page;
    // The health check that Start made, under the grpc-ecosystem names.
    const std::string health =
        "grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\","
        "grpc_type=\"unary\"}";
    for (const std::string& series :
         {absl::StrCat("grpc_server_started_total{", health),
          absl::StrCat("grpc_server_handled_total{grpc_code=\"OK\",", health),
          absl::StrCat("grpc_server_msg_received_total{", health),
          absl::StrCat("grpc_server_msg_sent_total{", health),
          absl::StrCat("grpc_server_handling_seconds_count{", health)}) {
      EXPECT_TRUE(absl::StrContains(*page, series)) << series << "\n" << *page;
    }
    EXPECT_TRUE(absl::StrContains(
        *page, "# TYPE grpc_server_handling_seconds histogram"));
    EXPECT_FALSE(absl::StrContains(*page, "lov_grpc_requests_total"));
  }

  // The consumers' totals are counters wherever there is a consumer.
  for (const char* service : {"choice", "visits", "settlement", "console"}) {
    absl::StatusOr<std::string> page = http::Get(
        absl::StrCat("127.0.0.1:", stack.process(service).metrics_port()),
        "/metrics", 5000);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const char* family :
         {"# TYPE lov_events_consumed_total counter",
          "# TYPE lov_events_dead_lettered_total counter"}) {
      EXPECT_TRUE(absl::StrContains(*page, family))
          << service << ": " << family << "\n"
          << *page;
    }
  }
}

}  // namespace
}  // namespace lov
