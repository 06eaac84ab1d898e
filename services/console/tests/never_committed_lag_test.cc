// A consumer group that has joined and is assigned its topic's partitions
// but has committed nothing yet (a consumer stuck on its first event) is on
// the pipeline panel with its whole backlog as lag, marked "never
// committed", and on its service's row as Kafka has it; against the real
// broker of the test stack, read as the console's own Kafka user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fixed_clock.h"
#include "lov/console/adapters/kafka_group_lag.h"
#include "lov/console/adapters/live_pipeline_probe.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "test_stack.h"

namespace lov::console {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::Stack;
using ::testing::Contains;
using ::testing::FieldsAre;
using ::testing::Pair;
using json = nlohmann::json;

const json* RowOf(const json& rows, const std::string& group) {
  for (const json& row : rows) {
    if (row["group"] == group) return &row;
  }
  return nullptr;
}

// 5, 4 and 3 events on three partitions; visits.reactions joins, is
// assigned all three and commits nothing: 12 behind, never committed. Once
// it commits 2 on partition 0 it is (5 - 2) + 4 + 3 = 10 behind and no
// longer marked.
TEST(NeverCommittedLagTest, AJoinedGroupWithoutCommitsShowsItsWholeBacklog) {
  const std::string ns = "nc" + NewUuid().substr(0, 8);
  const std::string topic = absl::StrCat(ns, ".lov.visits.events.v1");
  const std::string group = absl::StrCat(ns, ".visits.reactions");
  ASSERT_TRUE(EnsureTopics(Stack().kafka("never-committed-setup"),
                           {{.name = topic, .partitions = 3}})
                  .ok());
  {
    std::unique_ptr<RdKafka::Conf> conf =
        ::lov::testing::KafkaConf(Stack().kafka("never-committed"));
    std::string err;
    std::unique_ptr<RdKafka::Producer> producer(
        RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(producer) << err;
    const std::vector<int> count = {5, 4, 3};
    for (int32_t p = 0; p < 3; ++p) {
      for (int i = 0; i < count[p]; ++i) {
        std::string value = absl::StrCat("event ", i);
        ASSERT_EQ(producer->produce(topic, p, RdKafka::Producer::RK_MSG_COPY,
                                    value.data(), value.size(), nullptr, 0, 0,
                                    nullptr),
                  RdKafka::ERR_NO_ERROR);
      }
    }
    ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  }

  // The member: joined, assigned, reading nothing and committing nothing.
  std::unique_ptr<RdKafka::Conf> conf =
      ::lov::testing::KafkaConf(Stack().kafka("never-committed"));
  std::string err;
  ASSERT_EQ(conf->set("group.id", group, err), RdKafka::Conf::CONF_OK);
  ASSERT_EQ(conf->set("enable.auto.commit", "false", err),
            RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::KafkaConsumer> member(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  ASSERT_TRUE(member) << err;
  ASSERT_EQ(member->subscribe({topic}), RdKafka::ERR_NO_ERROR);
  std::vector<RdKafka::TopicPartition*> assigned;
  ASSERT_TRUE(Eventually([&] {
    // Polling joins the group; the events are left alone (not committed).
    delete member->consume(100);
    RdKafka::TopicPartition::destroy(assigned);
    assigned.clear();
    return member->assignment(assigned) == RdKafka::ERR_NO_ERROR &&
           assigned.size() == 3;
  })) << "the member was never assigned the topic's three partitions";
  RdKafka::TopicPartition::destroy(assigned);

  absl::StatusOr<std::unique_ptr<KafkaGroupLag>> reader = KafkaGroupLag::Create(
      Stack().kafka_as("lov-console", "never-committed-lov-console"), ns);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<GroupLagReport> report;
  Eventually([&] {
    delete member->consume(100);  // stays a live member meanwhile
    report = (*reader)->ReadReport();
    return report.ok() && report->lags.size() == 1 &&
           report->lags[0].topic == topic;
  });
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->lags.size(), 1u);
  EXPECT_THAT(report->lags[0], FieldsAre(group, topic, 12));
  EXPECT_THAT(report->never_committed, Contains(Pair(group, topic)));
  EXPECT_THAT(report->service_of_group, Contains(Pair(group, "visits")));

  // On the panel: its own row, and the visits service's row (its /metrics
  // unreachable here) with the lag from Kafka.
  ::lov::testing::FixedClock clock(absl::FromUnixSeconds(1795000000));
  ConsoleApp app(&clock);
  LivePipelineProbe probe(
      {{"visits", "127.0.0.1:1"}},
      Stack().kafka_as("lov-console", "never-committed-lov-console"),
      Stack().redis_addr, Stack().redis_auth, reader->get());
  app.SetHealth(probe.Check());
  const json pipeline = app.Snapshot()["pipeline"];
  EXPECT_EQ(pipeline["group_lags_error"], "");
  const json* row = RowOf(pipeline["group_lags"], group);
  ASSERT_NE(row, nullptr) << pipeline.dump();
  EXPECT_EQ((*row)["topic"], topic);
  EXPECT_EQ((*row)["lag"], 12);
  EXPECT_EQ((*row)["never_committed"], true);
  ASSERT_EQ(pipeline["services"].size(), 1u);
  EXPECT_EQ(pipeline["services"][0]["up"], false);
  const json* service_row = RowOf(pipeline["services"][0]["groups"], group);
  ASSERT_NE(service_row, nullptr) << pipeline.dump();
  EXPECT_EQ((*service_row)["lag"], 12);
  EXPECT_EQ((*service_row)["never_committed"], true);

  // The first commit: counted from it, no longer "never committed".
  std::vector<RdKafka::TopicPartition*> offsets = {
      RdKafka::TopicPartition::create(topic, 0, 2)};
  EXPECT_EQ(member->commitSync(offsets), RdKafka::ERR_NO_ERROR);
  RdKafka::TopicPartition::destroy(offsets);
  report = (*reader)->ReadReport();
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->lags.size(), 1u);
  EXPECT_THAT(report->lags[0], FieldsAre(group, topic, 10));
  EXPECT_TRUE(report->never_committed.empty());
  member->close();
}

}  // namespace
}  // namespace lov::console
