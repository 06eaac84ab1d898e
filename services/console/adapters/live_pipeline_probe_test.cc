// What the console reads from a service's /metrics: serving, the
// dependencies it cannot reach, its consumer groups.
#include "lov/console/adapters/live_pipeline_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lov::console {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

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

}  // namespace
}  // namespace lov::console
