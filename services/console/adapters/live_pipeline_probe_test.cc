// What the console reads from a service's /metrics: serving, the
// dependencies it cannot reach, its consumer groups.
#include "lov/console/adapters/live_pipeline_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lov::console {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ReadServiceMetricsTest, NamesTheDependenciesAServiceCannotReach) {
  ServiceHealth h;
  ReadServiceMetrics(
      "# TYPE lov_serving gauge\n"
      "lov_serving{service=\"visits\"} 0\n"
      "# TYPE lov_dependency_up gauge\n"
      "lov_dependency_up{dependency=\"kafka\",service=\"visits\"} 1\n"
      "lov_dependency_up{dependency=\"redis\",service=\"visits\"} 0\n"
      "lov_consumer_lag{group=\"visits.state\",partition=\"0\"} 2\n"
      "lov_consumer_lag{group=\"visits.state\",partition=\"1\"} 3\n",
      &h);
  EXPECT_FALSE(h.serving);
  EXPECT_THAT(h.dependencies_down, ElementsAre("redis"));
  ASSERT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.groups[0].group, "visits.state");
  EXPECT_EQ(h.groups[0].lag, 5);
}

TEST(ReadServiceMetricsTest, EverythingReachableIsNoDependencyDown) {
  ServiceHealth h;
  ReadServiceMetrics(
      "lov_serving{service=\"choice\"} 1\n"
      "lov_dependency_up{dependency=\"kafka\",service=\"choice\"} 1\n"
      "lov_dependency_up{dependency=\"redis\",service=\"choice\"} 1\n",
      &h);
  EXPECT_TRUE(h.serving);
  EXPECT_THAT(h.dependencies_down, IsEmpty());
}

// Every service with a metrics port is watched, followup too, at the local
// ports of deploy/local/run.sh unless a flag names another address.
TEST(WatchedServicesTest, WatchesEveryServiceFollowupIncluded) {
  Config defaults({}, {});
  EXPECT_THAT(LivePipelineProbe::WatchedServices(defaults),
              ElementsAre(Pair("registry", "127.0.0.1:9101"),
                          Pair("choice", "127.0.0.1:9102"),
                          Pair("visits", "127.0.0.1:9103"),
                          Pair("settlement", "127.0.0.1:9104"),
                          Pair("followup", "127.0.0.1:9107")));
  Config flags({{"followup-metrics", "followup:19107"}}, {});
  EXPECT_THAT(LivePipelineProbe::WatchedServices(flags),
              Contains(Pair("followup", "followup:19107")));
}

}  // namespace
}  // namespace lov::console
