// The settings of the rejected visit reports' topic, and the check that an
// existing topic keeps events long enough: worked out by hand.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"

namespace lov {
namespace {

TEST(RejectedTopicConfigTest, KeepsTheRetentionAndADayAndOneGibPerPartition) {
  const auto config = RejectedTopicConfig(absl::Hours(24 * 90));
  // 91 days = 91 x 86,400,000 ms.
  EXPECT_EQ(config.at("retention.ms"), "7862400000");
  EXPECT_EQ(config.at("retention.bytes"), "1073741824");
  EXPECT_EQ(config.at("cleanup.policy"), "delete");
  EXPECT_EQ(config.at("segment.bytes"), "134217728");
  // What a service that only reads it (the console) creates it with: the
  // default retention.
  EXPECT_EQ(TopicConfigOf(topics::kVisitsRejected), config);
  // Every other topic is kept for ever.
  EXPECT_EQ(TopicConfigOf(topics::kVisitsEvents).at("retention.ms"), "-1");
  EXPECT_EQ(TopicConfigOf(topics::kVisitsEvents), EventTopicConfig());
}

TEST(RejectedTopicConfigTest, ATopicMustKeepEventsAtLeastTheRetention) {
  const absl::Duration ninety = absl::Hours(24 * 90);
  // 90 days = 7,776,000,000 ms.
  EXPECT_TRUE(
      CheckKeepsFor("t", {{"retention.ms", "7776000000"}}, ninety).ok());
  EXPECT_TRUE(
      CheckKeepsFor("t", {{"retention.ms", "7862400000"}}, ninety).ok());
  EXPECT_TRUE(CheckKeepsFor("t", {{"retention.ms", "-1"}}, ninety).ok());
  const absl::Status short_one =
      CheckKeepsFor("t", {{"retention.ms", "7775999999"}}, ninety);
  EXPECT_EQ(short_one.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(short_one.message().find("7775999999"), std::string::npos);
  EXPECT_NE(short_one.message().find("retention.ms"), std::string::npos);
  // A week, the broker's default, for a topic made by hand without it.
  EXPECT_FALSE(
      CheckKeepsFor("t", {{"retention.ms", "604800000"}}, ninety).ok());
  EXPECT_EQ(CheckKeepsFor("t", {}, ninety).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace lov
