// librdkafka's own log lines go through the platform's JSON logger, at the
// level that says what they mean to an operator.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"

namespace lov {
namespace {

using kafka_internal::KafkaLogLevel;
using kafka_internal::LogKafkaLine;

TEST(KafkaLogTest, SyslogLevelsMapToTheLoggersLevels) {
  EXPECT_EQ(KafkaLogLevel(0, "FATAL", "Fatal error: x"), log::Level::kError);
  EXPECT_EQ(KafkaLogLevel(2, "CRIT", "x"), log::Level::kError);
  EXPECT_EQ(KafkaLogLevel(3, "TERMINATE", "x"), log::Level::kError);
  EXPECT_EQ(KafkaLogLevel(4, "CONFWARN", "x"), log::Level::kWarn);
  EXPECT_EQ(KafkaLogLevel(5, "REQTMOUT", "x"), log::Level::kInfo);
  EXPECT_EQ(KafkaLogLevel(6, "GETPID", "x"), log::Level::kInfo);
  EXPECT_EQ(KafkaLogLevel(7, "BROKER", "x"), log::Level::kDebug);
}

// A coordinator or broker that refuses the connection at start (or a login
// refused while a user is being created) is retried by librdkafka itself:
// a warning, not an error.
TEST(KafkaLogTest, AConnectionFailureLibrdkafkaRetriesIsAWarning) {
  EXPECT_EQ(KafkaLogLevel(3, "FAIL",
                          "[thrd:GroupCoordinator]: GroupCoordinator: Connect "
                          "to ipv4#127.0.0.1:9092 failed: Connection refused"),
            log::Level::kWarn);
  EXPECT_EQ(KafkaLogLevel(3, "FAIL",
                          "[thrd:sasl_ssl://127.0.0.1:9093/bootstrap]: SASL "
                          "authentication error: Authentication failed"),
            log::Level::kWarn);
  EXPECT_EQ(KafkaLogLevel(3, "ERROR", "[thrd:main]: 1/1 brokers are down"),
            log::Level::kWarn);
}

// A fatal error leaves the client unusable: an error, whatever the facility.
TEST(KafkaLogTest, AFatalErrorIsAnError) {
  EXPECT_EQ(KafkaLogLevel(3, "ERROR",
                          "[thrd:main]: Fatal error: Broker: Cluster "
                          "authorization failed: Failed to acquire "
                          "idempotence PID"),
            log::Level::kError);
}

TEST(KafkaLogTest, ALineIsJsonWithItsFacilityAndClientAndIsRedacted) {
  ::testing::internal::CaptureStderr();
  LogKafkaLine(3, "FAIL", "registry-replay#consumer-3",
               "[thrd:GroupCoordinator]: SASL authentication error for "
               "19121212-1212");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(absl::StartsWith(out, "{")) << out;
  EXPECT_NE(out.find("\"level\":\"warn\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"msg\":\"librdkafka\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"facility\":\"FAIL\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"client\":\"registry-replay#consumer-3\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("SASL authentication error for [redacted]"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("19121212-1212"), std::string::npos) << out;
}

// Every client the platform configures (SetConnectionConfig) logs through
// the logger: a broker that refuses the connection gives JSON lines, never
// librdkafka's raw "%3|...|FAIL|..." lines.
TEST(KafkaLogTest, AClientsConnectionFailureIsLoggedAsJsonNotRaw) {
  KafkaSettings settings;
  settings.brokers = "127.0.0.1:1";  // nothing listens there
  settings.client_id = "log-test";
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  ASSERT_TRUE(SetConnectionConfig(conf.get(), settings).ok());
  ::testing::internal::CaptureStderr();
  {
    std::string err;
    std::unique_ptr<RdKafka::Producer> producer(
        RdKafka::Producer::create(conf.get(), err));
    ASSERT_NE(producer, nullptr) << err;
    RdKafka::Metadata* metadata = nullptr;
    // Connects, is refused, and reports it while the request waits.
    producer->metadata(/*all_topics=*/false, nullptr, &metadata, 1000);
    delete metadata;
  }
  const std::string out = ::testing::internal::GetCapturedStderr();
  bool logged = false;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{")) << "not JSON: " << line;
    if (absl::StrContains(line, "\"facility\":\"FAIL\"")) {
      logged = true;
      EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos) << line;
      EXPECT_NE(line.find("\"client\":\"log-test#producer-"), std::string::npos)
          << line;
    }
  }
  EXPECT_TRUE(logged) << out;
}

}  // namespace
}  // namespace lov
