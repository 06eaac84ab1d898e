#include "lov/console/domain/consumer_lag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lov::console {
namespace {

using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// visits.state has committed 7 of partition 0 (end 10: 3 behind) and all of
// partition 1 (end 4); partition 2 (events 2..5 kept, end 6) it never
// committed, so all 4 kept events are unread: 3 + 0 + 4 = 7 on the visits
// topic. On the choice topic its committed 12 is past the truncated end 9:
// nothing is behind.
TEST(LagPerTopicTest, EndMinusCommittedSummedPerTopic) {
  const std::map<TopicPartition, int64_t> committed = {
      {{"lov.visits.events.v1", 0}, 7},
      {{"lov.visits.events.v1", 1}, 4},
      {{"lov.choice.events.v1", 0}, 12}};
  const std::map<TopicPartition, PartitionEnds> ends = {
      {{"lov.visits.events.v1", 0}, {0, 10}},
      {{"lov.visits.events.v1", 1}, {0, 4}},
      {{"lov.visits.events.v1", 2}, {2, 6}},
      {{"lov.choice.events.v1", 0}, {0, 9}}};
  EXPECT_THAT(
      LagPerTopic("visits.state", committed, ends),
      ElementsAre(FieldsAre("visits.state", "lov.choice.events.v1", 0),
                  FieldsAre("visits.state", "lov.visits.events.v1", 7)));
}

// An invalid committed offset (librdkafka's -1001, "none") is no commit.
TEST(LagPerTopicTest, AnInvalidOffsetCountsFromTheFirstKeptEvent) {
  EXPECT_THAT(
      LagPerTopic("choice.state", {{{"t", 0}, -1001}}, {{{"t", 0}, {5, 8}}}),
      ElementsAre(FieldsAre("choice.state", "t", 3)));
  EXPECT_THAT(LagPerTopic("choice.state", {}, {}), IsEmpty());
}

TEST(IsServiceGroupTest, OnlyTheServicesGroupsUnderTheNamespace) {
  EXPECT_TRUE(IsServiceGroup("visits.state", ""));
  EXPECT_TRUE(IsServiceGroup("settlement.statements", ""));
  EXPECT_TRUE(IsServiceGroup("console", ""));
  EXPECT_TRUE(IsServiceGroup("t42.audit.trail", "t42"));
  EXPECT_TRUE(IsServiceGroup("t42.console", "t42"));
  EXPECT_FALSE(IsServiceGroup("visits.state", "t42"));
  EXPECT_FALSE(IsServiceGroup("t43.visits.state", "t42"));
  EXPECT_FALSE(IsServiceGroup("lov-replay-visits-1", ""));
  EXPECT_FALSE(IsServiceGroup("reader.kcat", ""));
  EXPECT_FALSE(IsServiceGroup("visitsstate", ""));
  EXPECT_FALSE(IsServiceGroup("consoles", ""));
}

// A group that reads a topic (its member is assigned it) and has committed
// nothing there still has a row, its lag counted from the first kept event
// (3 + 2), marked as never committed; the topic it has committed on is not.
// A group that reads nothing yet has one row with no topic.
TEST(AddGroupLagsTest, AGroupThatNeverCommittedStillHasItsRow) {
  GroupLagReport report;
  AddGroupLags("visits.state", {{{"c", 0}, 4}},
               {{{"c", 0}, {0, 4}}, {{"v", 0}, {2, 5}}, {{"v", 1}, {0, 2}}},
               &report);
  AddGroupLags("choice.state", {}, {}, &report);
  EXPECT_THAT(report.lags, ElementsAre(FieldsAre("visits.state", "c", 0),
                                       FieldsAre("visits.state", "v", 5),
                                       FieldsAre("choice.state", "", 0)));
  EXPECT_THAT(report.never_committed,
              ElementsAre(Pair("choice.state", ""), Pair("visits.state", "v")));
}

TEST(LagPerGroupTest, SumsEachGroupsTopics) {
  EXPECT_THAT(LagPerGroup({{"visits.state", "c", 2},
                           {"visits.state", "v", 5},
                           {"choice.state", "c", 1}}),
              ElementsAre(Pair("choice.state", 1), Pair("visits.state", 7)));
}

TEST(ServiceOfGroupTest, NamesTheServiceUnderTheNamespace) {
  EXPECT_EQ(ServiceOfGroup("visits.state", ""), "visits");
  EXPECT_EQ(ServiceOfGroup("t42.choice.reactions", "t42"), "choice");
  EXPECT_EQ(ServiceOfGroup("t42.console", "t42"), "console");
  EXPECT_EQ(ServiceOfGroup("visits.state", "t42"), "");
  EXPECT_EQ(ServiceOfGroup("reader.kcat", ""), "");
}

}  // namespace
}  // namespace lov::console
