// The pipeline panel's consumer lag from Kafka itself (issue 20), against
// the real broker of the test stack: consumer groups that have committed
// part of a topic, read as the console's own Kafka user (its ACLs of
// k8s/base/kafka/users.yaml: describe the services' groups and the topics
// they read), shown on the panel and as lov_consumer_group_lag{group,topic}
// with the exact lag.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

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
#include "lov/platform/metrics.h"
#include "test_stack.h"

namespace lov::console {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::KafkaConf;
using ::lov::testing::Stack;
using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

// The settings of the stack's Kafka user `user`, its password from the
// stack's secrets as run.sh gives it to the service.
KafkaSettings As(const std::string& user) {
  return Stack().kafka_as(user, "lag-test-" + user);
}

class ConsumerGroupLagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "lag" + NewUuid().substr(0, 8);
    topic_ = absl::StrCat(ns_, ".lov.visits.events.v1");
    absl::Status made = EnsureTopics(Stack().kafka("lag-test-setup"),
                                     {{.name = topic_, .partitions = 3}});
    ASSERT_TRUE(made.ok()) << made;
  }

  // Writes `count` events to each partition, as the admin user.
  void Write(const std::vector<int>& count) {
    std::unique_ptr<RdKafka::Conf> conf = KafkaConf(Stack().kafka("lag-test"));
    std::string err;
    std::unique_ptr<RdKafka::Producer> producer(
        RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(producer) << err;
    for (int32_t p = 0; p < static_cast<int32_t>(count.size()); ++p) {
      for (int i = 0; i < count[p]; ++i) {
        std::string value = absl::StrCat("event ", i);
        ASSERT_EQ(producer->produce(topic_, p, RdKafka::Producer::RK_MSG_COPY,
                                    value.data(), value.size(), nullptr, 0, 0,
                                    nullptr),
                  RdKafka::ERR_NO_ERROR);
      }
    }
    ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  }

  // Commits `offsets` (partition, offset) for the group `ns.<base>`, as a
  // consumer that handled the events before them would.
  void Commit(const std::string& base,
              const std::vector<std::pair<int32_t, int64_t>>& offsets) {
    std::unique_ptr<RdKafka::Conf> conf = KafkaConf(Stack().kafka("lag-test"));
    std::string err;
    ASSERT_EQ(conf->set("group.id", absl::StrCat(ns_, ".", base), err),
              RdKafka::Conf::CONF_OK);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(conf.get(), err));
    ASSERT_TRUE(consumer) << err;
    std::vector<RdKafka::TopicPartition*> parts;
    for (auto [p, offset] : offsets) {
      parts.push_back(RdKafka::TopicPartition::create(topic_, p, offset));
    }
    EXPECT_EQ(consumer->commitSync(parts), RdKafka::ERR_NO_ERROR);
    RdKafka::TopicPartition::destroy(parts);
    consumer->close();
  }

  std::string ns_;
  std::string topic_;
};

// Partitions with 5, 4 and 3 events. visits.state has committed 2 of
// partition 0, all 4 of partition 1 and nothing of partition 2:
// (5 - 2) + (4 - 4) + (3 - 0) = 6 behind. choice.state has committed all of
// partitions 0 and 2 and 1 of partition 1: 4 - 1 = 3 behind. A subscriber's
// group (reader.) is no service's and is left out.
TEST_F(ConsumerGroupLagTest, PanelAndMetricShowTheExactLagFromKafka) {
  Write({5, 4, 3});
  Commit("visits.state", {{0, 2}, {1, 4}});
  Commit("choice.state", {{0, 5}, {1, 1}, {2, 3}});
  Commit("reader.kcat", {{0, 1}});

  absl::StatusOr<std::unique_ptr<KafkaGroupLag>> reader =
      KafkaGroupLag::Create(As("lov-console"), ns_);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::string visits = absl::StrCat(ns_, ".visits.state");
  const std::string choice = absl::StrCat(ns_, ".choice.state");
  absl::StatusOr<std::vector<TopicLag>> lags;
  Eventually([&] {
    lags = (*reader)->Read();
    return lags.ok() && lags->size() == 2;
  });
  ASSERT_TRUE(lags.ok()) << lags.status();
  EXPECT_THAT(*lags, ElementsAre(FieldsAre(choice, topic_, 3),
                                 FieldsAre(visits, topic_, 6)));

  // The panel: the probe reads the lag, the snapshot shows it.
  ::lov::testing::FixedClock clock(absl::FromUnixSeconds(1795000000));
  ConsoleApp app(&clock);
  LivePipelineProbe probe({}, As("lov-console"), Stack().redis_addr,
                          Stack().redis_auth, reader->get());
  app.SetHealth(probe.Check());
  json pipeline = app.Snapshot()["pipeline"];
  EXPECT_EQ(pipeline["group_lags_error"], "");
  EXPECT_EQ(pipeline["group_lags"],
            json::array({{{"group", choice}, {"topic", topic_}, {"lag", 3}},
                         {{"group", visits}, {"topic", topic_}, {"lag", 6}}}));

  // The metric, at the next scrape.
  AddGroupLagGauges(&app);
  const std::string text = metrics::Registry::Default().Render();
  EXPECT_THAT(text, HasSubstr("# TYPE lov_consumer_group_lag gauge"));
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat("lov_consumer_group_lag{group=\"", visits,
                                     "\",topic=\"", topic_, "\"} 6\n")));
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat("lov_consumer_group_lag{group=\"", choice,
                                     "\",topic=\"", topic_, "\"} 3\n")));

  // Once visits.state has caught up, its lag is 0.
  Commit("visits.state", {{0, 5}, {2, 3}});
  lags = (*reader)->Read();
  ASSERT_TRUE(lags.ok()) << lags.status();
  EXPECT_THAT(*lags, ElementsAre(FieldsAre(choice, topic_, 3),
                                 FieldsAre(visits, topic_, 0)));
}

// Kafka not answering: the panel says why instead of showing a stale lag.
TEST(ConsumerGroupLagDownTest, TheErrorIsShownWhenKafkaDoesNotAnswer) {
  KafkaSettings nowhere;
  nowhere.brokers = "127.0.0.1:1";
  nowhere.client_id = "lag-test-down";
  absl::StatusOr<std::unique_ptr<KafkaGroupLag>> reader =
      KafkaGroupLag::Create(nowhere, "", absl::Seconds(1));
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<TopicLag>> lags = (*reader)->Read();
  EXPECT_EQ(lags.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(lags.status().message(), HasSubstr("consumer groups"));
}

}  // namespace
}  // namespace lov::console
