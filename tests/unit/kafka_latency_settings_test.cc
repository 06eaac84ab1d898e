// The Kafka settings a write's latency depends on (docs/performance.md,
// "Choice latency: where the time goes"): with Nagle's algorithm on,
// librdkafka's second TLS record of a produce request waited for the
// broker's delayed ACK, ~40 ms per acks=all write; with linger.ms 2 a call
// that waits for its write's acknowledgement waited 2 ms more.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>

#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"

namespace lov {
namespace {

std::string Get(RdKafka::Conf& conf, const std::string& name) {
  std::string value;
  if (conf.get(name, value) != RdKafka::Conf::CONF_OK) return "<unknown>";
  return value;
}

KafkaSettings Settings() {
  KafkaSettings settings;
  settings.brokers = "127.0.0.1:1";
  settings.client_id = "latency-test";
  return settings;
}

TEST(KafkaLatencySettingsTest, NagleIsOffForEveryClient) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  // librdkafka's own default, which cost the 40 ms.
  ASSERT_EQ(Get(*conf, "socket.nagle.disable"), "false");
  ASSERT_TRUE(SetConnectionConfig(conf.get(), Settings()).ok());
  EXPECT_EQ(Get(*conf, "socket.nagle.disable"), "true");
}

// What EventProducer::Create sets: the connection, then the producer's own.
TEST(KafkaLatencySettingsTest, TheProducerSendsAtOnceAndStaysDurable) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  ASSERT_TRUE(SetConnectionConfig(conf.get(), Settings()).ok());
  ASSERT_TRUE(kafka_internal::SetAll(conf.get(),
                                     kafka_internal::ProducerConfig(Settings()))
                  .ok());
  EXPECT_EQ(Get(*conf, "linger.ms"), "0");
  EXPECT_EQ(Get(*conf, "socket.nagle.disable"), "true");
  // No weaker promise for the speed: every write acknowledged by all
  // in-sync replicas, once.
  EXPECT_EQ(Get(*conf, "enable.idempotence"), "true");
  EXPECT_EQ(Get(*conf, "acks"), "-1");
}

}  // namespace
}  // namespace lov
