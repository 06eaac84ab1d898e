// The bench's reading of a service's log: when a line was written.
#include "bench_support.h"

#include <gtest/gtest.h>

namespace lov::bench {
namespace {

// Lines as lov::log writes them (log.cc): "ts" first, then the level, the
// service and "msg".
constexpr char kLog[] =
    R"({"ts":"2026-12-03T04:20:09.574Z","level":"info","service":"registry","msg":"listening","grpc_port":1})"
    "\n"
    R"({"ts":"2026-12-03T04:20:09.671Z","level":"info","service":"registry","msg":"state rebuilt","ms":96})"
    "\n"
    R"({"ts":"2026-12-03T04:20:09.688Z","level":"info","service":"registry","msg":"registry serving","grpc_port":1})"
    "\n"
    R"({"ts":"2026-12-03T04:20:12.001Z","level":"info","service":"registry","msg":"registry serving","grpc_port":1})"
    "\n";

TEST(LogLineTimeTest, TheFirstLineWithThatMessageToTheMillisecond) {
  std::optional<absl::Time> at = LogLineTime(kLog, "registry serving");
  ASSERT_TRUE(at.has_value());
  // 2026-12-03 04:20:09.688 UTC, worked out by hand: 1796271609 s.
  EXPECT_EQ(absl::ToUnixMillis(*at), int64_t{1796271609688});
  std::optional<absl::Time> rebuilt = LogLineTime(kLog, "state rebuilt");
  ASSERT_TRUE(rebuilt.has_value());
  EXPECT_EQ(*at - *rebuilt, absl::Milliseconds(17));
}

TEST(LogLineTimeTest, OnlyTheWholeMessageMatches) {
  EXPECT_FALSE(LogLineTime(kLog, "choice serving").has_value());
  EXPECT_FALSE(LogLineTime(kLog, "serving").has_value());
  EXPECT_FALSE(LogLineTime("", "registry serving").has_value());
}

}  // namespace
}  // namespace lov::bench
