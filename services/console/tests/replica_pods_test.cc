// Two replicas of a service, as Kubernetes runs them behind one name: the
// console lists both pods, and when one stops the service stays serving on
// the other and its row says degraded. Locally each replica has its own
// metrics port, so the console is given both addresses; in Kubernetes the
// headless Service <name>-pods resolves to both (CheckServicePods).
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "lov/console/tests/dashboard_test_fixture.h"
#include "test_stack.h"

namespace lov::console {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::FreePort;

class ReplicaPodsTest : public testing::DashboardFixture {};

TEST_F(ReplicaPodsTest, BothReplicasAreListedAndOneStoppedIsDegraded) {
  ServiceProcess replica("services/registry/registry",
                         std::vector<std::string>{"--namespace=" + ns_});
  ASSERT_TRUE(replica.Start().ok()) << replica.Log();
  const std::string first =
      absl::StrCat("127.0.0.1:", registry_->metrics_port());
  const std::string second = absl::StrCat("127.0.0.1:", replica.metrics_port());
  StartConsole({absl::StrCat("--registry-metrics=", first, ",", second),
                absl::StrCat("--choice-metrics=127.0.0.1:", FreePort()),
                absl::StrCat("--visits-metrics=127.0.0.1:", FreePort()),
                absl::StrCat("--settlement-metrics=127.0.0.1:", FreePort()),
                absl::StrCat("--followup-metrics=127.0.0.1:", FreePort()),
                "--health-interval-seconds=1"});

  // The registry's row once both pods are listed and `up` of them answer.
  json registry;
  auto pods_up = [&](int up) {
    return Eventually(
        [&] {
          json d = Dashboard();
          if (!d.is_object()) return false;
          registry = d["pipeline"]["services"][0];
          int answering = 0;
          for (const json& pod : registry["pods"]) {
            answering += pod["up"] == true ? 1 : 0;
          }
          return registry["pods"].size() == 2 && answering == up;
        },
        absl::Seconds(60));
  };
  ASSERT_TRUE(pods_up(2)) << registry.dump(2) << console_->Log();
  ASSERT_TRUE(Eventually(
      [&] {
        pods_up(2);
        return registry["pods"][0]["serving"] == true &&
               registry["pods"][1]["serving"] == true;
      },
      absl::Seconds(60)))
      << registry.dump(2);
  EXPECT_EQ(registry["name"], "registry");
  EXPECT_EQ(registry["serving"], true);
  EXPECT_EQ(registry["degraded"], false);
  EXPECT_EQ(registry["pods"][0]["address"], first);
  EXPECT_EQ(registry["pods"][1]["address"], second);
  for (const json& pod : registry["pods"]) {
    EXPECT_EQ(pod["dependencies_down"], json::array()) << pod.dump();
    EXPECT_NE(pod["dependencies_up"], json::array()) << pod.dump();
  }

  // One replica stops (exited once Terminate returns): still serving on the
  // other, degraded, the stopped pod down.
  replica.Terminate();
  ASSERT_TRUE(pods_up(1)) << registry.dump(2);
  EXPECT_EQ(registry["pods"][0]["serving"], true);
  EXPECT_EQ(registry["serving"], true);
  EXPECT_EQ(registry["degraded"], true);
  EXPECT_EQ(registry["pods"][1]["address"], second);
  EXPECT_EQ(registry["pods"][1]["up"], false);
  EXPECT_NE(registry["pods"][1]["error"], "");
}

}  // namespace
}  // namespace lov::console
