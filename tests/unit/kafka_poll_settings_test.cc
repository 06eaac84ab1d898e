// --kafka-max-poll-interval-ms (LOV_KAFKA_MAX_POLL_INTERVAL_MS): how long a
// consumer may go without polling before its group takes its partitions
// away; the chaos suite sets a short one (tests/chaos/run.sh).
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>

#include "absl/strings/match.h"
#include "lov/platform/config.h"
#include "lov/platform/kafka.h"
#include "lov/platform/service_host.h"

namespace lov {
namespace {

std::string Setting(const CommonSettings& s, const std::string& key) {
  for (const auto& [k, v] : s.kafka_security) {
    if (k == key) return v;
  }
  return "<unset>";
}

// What librdkafka says of a consumer with the service's connection settings
// ("" if it creates one). Nothing is contacted: creation only validates.
std::string ConsumerError(const CommonSettings& s) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  KafkaSettings k = s.kafka();
  k.brokers = "127.0.0.1:1";
  if (absl::Status set = SetConnectionConfig(conf.get(), k); !set.ok()) {
    return std::string(set.message());
  }
  std::string err;
  if (conf->set("group.id", "poll-settings-test", err) !=
      RdKafka::Conf::CONF_OK) {
    return err;
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return err.empty() ? "no consumer" : err;
  consumer->close();
  return "";
}

TEST(KafkaPollSettingsTest, UnsetLeavesLibrdkafkasDefaults) {
  Config config({}, {{"LOV_INSECURE_PLAINTEXT", "true"}});
  CommonSettings s = ReadCommonSettings(config, "visits", 1, 2);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(Setting(s, "max.poll.interval.ms"), "<unset>");
  EXPECT_EQ(Setting(s, "session.timeout.ms"), "<unset>");
}

TEST(KafkaPollSettingsTest, AShortIntervalLowersTheSessionTimeoutToo) {
  Config config({}, {{"LOV_INSECURE_PLAINTEXT", "true"},
                     {"LOV_KAFKA_MAX_POLL_INTERVAL_MS", "10000"}});
  CommonSettings s = ReadCommonSettings(config, "visits", 1, 2);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(Setting(s, "max.poll.interval.ms"), "10000");
  // librdkafka refuses a session timeout (default 45 s) above the interval.
  EXPECT_EQ(Setting(s, "session.timeout.ms"), "10000");
  EXPECT_EQ(ConsumerError(s), "");
}

TEST(KafkaPollSettingsTest, ALongIntervalKeepsTheSessionTimeout) {
  Config config({{"kafka-max-poll-interval-ms", "60000"}},
                {{"LOV_INSECURE_PLAINTEXT", "true"}});
  CommonSettings s = ReadCommonSettings(config, "visits", 1, 2);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(Setting(s, "max.poll.interval.ms"), "60000");
  EXPECT_EQ(Setting(s, "session.timeout.ms"), "<unset>");
  EXPECT_EQ(ConsumerError(s), "");
}

TEST(KafkaPollSettingsTest, AnIntervalOutOfRangeIsNamedWithTheRange) {
  for (const std::string bad : {"5999", "86400001", "soon"}) {
    Config config({{"kafka-max-poll-interval-ms", bad}}, {});
    ReadCommonSettings(config, "visits", 1, 2);
    const std::string msg(config.Validate().message());
    EXPECT_TRUE(absl::StrContains(msg, "kafka-max-poll-interval-ms")) << msg;
    EXPECT_TRUE(absl::StrContains(msg, bad)) << msg;
  }
  Config low({{"kafka-max-poll-interval-ms", "5999"}}, {});
  ReadCommonSettings(low, "visits", 1, 2);
  EXPECT_TRUE(absl::StrContains(low.Validate().message(),
                                "out of range [6000, 86400000]"))
      << low.Validate();
}

}  // namespace
}  // namespace lov
