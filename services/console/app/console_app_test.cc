#include "lov/console/app/console_app.h"

#include <gtest/gtest.h>

#include "fixed_clock.h"
#include "lov/platform/event_envelope.h"

namespace lov::console {
namespace {

// 2026-11-18: the console's "now" in these tests.
struct FixedClock : ::lov::testing::FixedClock {
  FixedClock()
      : ::lov::testing::FixedClock(absl::FromUnixSeconds(1795000000)) {}
};

CloudEvent ZoneHealthEvent(const std::string& id, const std::string& topic) {
  choice::v1::ChoiceEvent e;
  e.set_event_id(id);
  e.set_aggregate_id("zone-health");
  e.mutable_zone_health()->set_zone_id("north");
  e.mutable_zone_health()->set_category_id("service");
  e.mutable_zone_health()->set_selectable_providers(1);
  e.mutable_zone_health()->set_no_real_choice(true);
  CloudEvent ce = ToCloudEvent(e, "/lov/choice");
  ce.topic = topic;
  return ce;
}

TEST(ConsoleAppTest, AppliesNamespacedTopicsOnceEach) {
  FixedClock clock;
  ConsoleApp app(&clock);
  CloudEvent ce = ZoneHealthEvent("e1", "t123.lov.choice.events.v1");
  ASSERT_TRUE(app.Apply(ce).ok());
  ASSERT_TRUE(app.Apply(ce).ok());  // a redelivery
  EXPECT_EQ(app.applied(), 1);
  nlohmann::json s = app.Snapshot();
  EXPECT_EQ(s["no_real_choice_count"], 1);
  EXPECT_EQ(s["pipeline"]["events_by_topic"]["lov.choice.events.v1"], 1);
  ASSERT_EQ(app.ZoneChoices().size(), 1u);
  EXPECT_EQ(app.ZoneChoices()[0].selectable_providers, 1);
}

// The follow-up service's topic feeds the follow-up panels.
TEST(ConsoleAppTest, AppliesTheFollowupTopic) {
  FixedClock clock;  // 2026-11-18
  ConsoleApp app(&clock);
  followup::v1::FollowupEvent e;
  e.set_event_id("f1");
  e.set_aggregate_id("cmp-1");
  auto* c = e.mutable_complaint_registered()->mutable_complaint();
  c->set_complaint_id("cmp-1");
  c->set_provider_id("prv-a");
  c->set_reply_due_date("2026-11-17");
  c->set_status(followup::v1::COMPLAINT_STATUS_RECEIVED);
  c->set_version(1);
  CloudEvent ce = ToCloudEvent(e, "/lov/followup");
  ce.topic = "t123.lov.followup.events.v1";
  ASSERT_TRUE(app.Apply(ce).ok());
  nlohmann::json s = app.Snapshot();
  EXPECT_EQ(s["followup"]["complaints_overdue"], 1);
  EXPECT_EQ(s["pipeline"]["events_by_topic"]["lov.followup.events.v1"], 1);
}

// Rejected reports on their own topic count like those written to the
// events topic before it existed.
TEST(ConsoleAppTest, CountsRejectionsFromBothVisitsTopics) {
  FixedClock clock;
  ConsoleApp app(&clock);
  for (const char* topic :
       {"t123.lov.visits.rejected.v1", "t123.lov.visits.events.v1"}) {
    visits::v1::VisitEvent e;
    e.set_event_id(topic);
    e.set_aggregate_id("prv-a/r1");
    e.mutable_visit_rejected()->set_reason_code("NOT_ASSIGNED");
    CloudEvent ce = ToCloudEvent(e, "/lov/visits");
    ce.topic = topic;
    ASSERT_TRUE(app.Apply(ce).ok()) << topic;
  }
  nlohmann::json s = app.Snapshot();
  EXPECT_EQ(s["visits"]["rejected"], 2);
  EXPECT_EQ(s["pipeline"]["events_by_topic"]["lov.visits.rejected.v1"], 1);
  EXPECT_EQ(s["pipeline"]["events_by_topic"]["lov.visits.events.v1"], 1);
}

TEST(ConsoleAppTest, RedeliveredOffsetsAndRecentDuplicatesAreSkipped) {
  FixedClock clock;
  ConsoleApp app(&clock, /*recent_ids=*/2);
  auto at = [](const std::string& id, int32_t partition, int64_t offset) {
    CloudEvent ce = ZoneHealthEvent(id, "lov.choice.events.v1");
    ce.partition = partition;
    ce.offset = offset;
    return ce;
  };
  ASSERT_TRUE(app.Apply(at("e1", 0, 10)).ok());
  ASSERT_TRUE(app.Apply(at("e2", 0, 11)).ok());
  ASSERT_TRUE(app.Apply(at("e3", 1, 5)).ok());
  EXPECT_EQ(app.applied(), 3);
  // Offsets at or below the partition's last: a redelivery, whatever the id.
  ASSERT_TRUE(app.Apply(at("e1", 0, 10)).ok());
  ASSERT_TRUE(app.Apply(at("other", 0, 11)).ok());
  EXPECT_EQ(app.applied(), 3);
  // The same id again at a new offset (published twice): skipped while
  // recent. Only two ids are kept here, so e1 has been forgotten.
  ASSERT_TRUE(app.Apply(at("e3", 0, 12)).ok());
  EXPECT_EQ(app.applied(), 3);
  ASSERT_TRUE(app.Apply(at("e4", 0, 13)).ok());
  ASSERT_TRUE(app.Apply(at("e1", 1, 6)).ok());
  EXPECT_EQ(app.applied(), 5);
}

TEST(RecentIds, KeepsTheLastOnes) {
  RecentIds ids(3);
  for (const char* id : {"a", "b", "c", "a", "d"}) ids.Add(id);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_FALSE(ids.Contains("a"));  // the oldest went when d came
  EXPECT_TRUE(ids.Contains("b"));
  EXPECT_TRUE(ids.Contains("d"));
}

TEST(ConsoleAppTest, ABodyThatDoesNotParseIsPoison) {
  FixedClock clock;
  ConsoleApp app(&clock);
  CloudEvent ce = ZoneHealthEvent("e1", "lov.visits.events.v1");
  ce.data = "\xff\xff not protobuf";
  absl::Status s = app.Apply(ce);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(app.applied(), 0);
}

TEST(ConsoleAppTest, ReportsWhatTheProbeFound) {
  FixedClock clock;
  ConsoleApp app(&clock);
  PipelineHealth h;
  h.checked_at = clock.Now();
  h.kafka_reachable = true;
  ServiceHealth registry;
  registry.name = "registry";
  registry.up = true;
  registry.serving = true;
  registry.groups.push_back({"registry.state", 3, 10, 1});
  h.services.push_back(registry);
  ServiceHealth visits;
  visits.name = "visits";
  visits.up = true;
  visits.dependencies_down = {"redis"};
  h.services.push_back(visits);
  app.SetHealth(h);
  nlohmann::json p = app.Snapshot()["pipeline"];
  EXPECT_EQ(p["kafka_reachable"], true);
  EXPECT_EQ(p["redis_reachable"], false);
  EXPECT_EQ(p["services"][0]["name"], "registry");
  EXPECT_EQ(p["services"][0]["groups"][0]["lag"], 3);
  EXPECT_EQ(p["services"][0]["groups"][0]["dead_lettered"], 1);
  EXPECT_EQ(p["services"][0]["dependencies_down"], nlohmann::json::array());
  EXPECT_EQ(p["services"][1]["serving"], false);
  EXPECT_EQ(p["services"][1]["dependencies_down"],
            nlohmann::json::array({"redis"}));
}

// Each pod of a service is a row of its own under the service's, which is
// serving but degraded while one of its pods is not.
TEST(ConsoleAppTest, ReportsEveryPodOfAService) {
  FixedClock clock;
  ConsoleApp app(&clock);
  PipelineHealth h;
  ServiceHealth choice;
  choice.name = "choice";
  choice.metrics_address = "choice-pods:9102";
  choice.up = choice.serving = choice.degraded = true;
  choice.pods.push_back({.address = "10.0.0.7:9102",
                         .up = true,
                         .serving = true,
                         .dependencies_up = {"kafka", "redis"}});
  choice.pods.push_back({.address = "10.0.0.8:9102",
                         .up = true,
                         .dependencies_up = {"kafka"},
                         .dependencies_down = {"redis"}});
  h.services.push_back(choice);
  app.SetHealth(h);
  nlohmann::json s = app.Snapshot()["pipeline"]["services"][0];
  EXPECT_EQ(s["serving"], true);
  EXPECT_EQ(s["degraded"], true);
  ASSERT_EQ(s["pods"].size(), 2u);
  EXPECT_EQ(s["pods"][0]["address"], "10.0.0.7:9102");
  EXPECT_EQ(s["pods"][0]["serving"], true);
  EXPECT_EQ(s["pods"][1]["address"], "10.0.0.8:9102");
  EXPECT_EQ(s["pods"][1]["serving"], false);
  EXPECT_EQ(s["pods"][1]["dependencies_up"], nlohmann::json::array({"kafka"}));
  EXPECT_EQ(s["pods"][1]["dependencies_down"],
            nlohmann::json::array({"redis"}));
}

// The lag per group and topic as Kafka has it, on the panel and for the
// metric; without it, why it could not be read.
TEST(ConsoleAppTest, ReportsTheGroupLagsFromKafka) {
  FixedClock clock;
  ConsoleApp app(&clock);
  PipelineHealth h;
  h.group_lags = {{"visits.state", "lov.choice.events.v1", 0},
                  {"visits.state", "lov.visits.events.v1", 6}};
  app.SetHealth(h);
  nlohmann::json p = app.Snapshot()["pipeline"];
  EXPECT_EQ(p["group_lags"][1]["group"], "visits.state");
  EXPECT_EQ(p["group_lags"][1]["topic"], "lov.visits.events.v1");
  EXPECT_EQ(p["group_lags"][1]["lag"], 6);
  EXPECT_EQ(p["group_lags_error"], "");
  ASSERT_EQ(app.GroupLags().size(), 2u);
  EXPECT_EQ(app.GroupLags()[1].lag, 6);

  PipelineHealth down;
  down.group_lags_error = "listing the consumer groups on k:9092: timed out";
  app.SetHealth(down);
  p = app.Snapshot()["pipeline"];
  EXPECT_EQ(p["group_lags"], nlohmann::json::array());
  EXPECT_EQ(p["group_lags_error"],
            "listing the consumer groups on k:9092: timed out");
}

// A group that never committed is shown as such, on its service's row and
// on its own; a lag Kafka did not give is no number.
TEST(ConsoleAppTest, ShowsNeverCommittedGroupsAndUnknownLags) {
  FixedClock clock;
  ConsoleApp app(&clock);
  PipelineHealth h;
  ServiceHealth visits;
  visits.name = "visits";
  GroupHealth reactions{"visits.reactions", 12, 0, 0};
  reactions.never_committed = true;
  GroupHealth old{"visits.old", 4, 0, 0};
  old.lag_unknown = true;
  visits.groups = {reactions, old};
  h.services.push_back(visits);
  h.group_lags = {{"visits.reactions", "lov.visits.events.v1", 12},
                  {"visits.state", "lov.visits.events.v1", 1}};
  h.never_committed = {{"visits.reactions", "lov.visits.events.v1"}};
  app.SetHealth(h);
  nlohmann::json p = app.Snapshot()["pipeline"];
  EXPECT_EQ(p["services"][0]["groups"][0]["lag"], 12);
  EXPECT_EQ(p["services"][0]["groups"][0]["never_committed"], true);
  EXPECT_EQ(p["services"][0]["groups"][1]["lag"], nullptr);
  EXPECT_EQ(p["services"][0]["groups"][1]["never_committed"], false);
  EXPECT_EQ(p["group_lags"][0]["never_committed"], true);
  EXPECT_EQ(p["group_lags"][0]["lag"], 12);
  EXPECT_FALSE(p["group_lags"][1].contains("never_committed"));
}

}  // namespace
}  // namespace lov::console
