#include "lov/console/domain/prometheus_text.h"

#include <gtest/gtest.h>

namespace lov::console {
namespace {

TEST(ConsoleMetricsTextTest, ReadsSamplesWithLabels) {
  std::vector<Sample> s = ParsePrometheusText(
      "# HELP lov_serving 1 while serving\n"
      "# TYPE lov_serving gauge\n"
      "lov_serving{service=\"registry\"} 1\n"
      "lov_consumer_lag{group=\"registry.state\",service=\"a\\\"b\"} 42\n"
      "lov_grpc_request_duration_seconds_bucket{le=\"+Inf\"} 7\n"
      "garbage{unclosed=\"x 3\n"
      "up 0\n");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].name, "lov_serving");
  EXPECT_EQ(s[0].labels.at("service"), "registry");
  EXPECT_EQ(s[0].value, 1);
  EXPECT_EQ(s[1].labels.at("group"), "registry.state");
  EXPECT_EQ(s[1].labels.at("service"), "a\"b");
  EXPECT_EQ(s[1].value, 42);
  EXPECT_EQ(s[2].labels.at("le"), "+Inf");
  EXPECT_EQ(s[3].name, "up");
  EXPECT_EQ(s[3].value, 0);
}

}  // namespace
}  // namespace lov::console
