// Kafka ACLs on the local stack (deploy/local/stack.sh: the broker's
// authorizer with the ACLs of k8s/base/kafka/users.yaml, under any
// --namespace prefix): with its own credential a service writes its own
// topics and reads its upstream ones, and the broker refuses it another
// service's topic, a topic it does not read and another service's consumer
// group; the read-only user writes nothing. Each case runs under a namespace
// of its own, as the services' tests do.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::KafkaConf;
using ::lov::testing::Stack;

// The settings of the stack's Kafka user `user` (its password from the
// stack's secrets, as run.sh gives it to the service).
KafkaSettings As(const std::string& user) {
  return Stack().kafka_as(user, "acl-test-" + user);
}

class Reports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override { last = message.err(); }
  RdKafka::ErrorCode last = RdKafka::ERR__TIMED_OUT;
};

// Writes one record to `topic` as `user` with the services' producer
// settings (idempotent unless said otherwise, acks=all); the delivery
// report's error.
RdKafka::ErrorCode ProduceAs(const std::string& user, const std::string& topic,
                             bool idempotent = true) {
  std::unique_ptr<RdKafka::Conf> conf = KafkaConf(As(user));
  Reports reports;
  std::string err;
  conf->set("enable.idempotence", idempotent ? "true" : "false", err);
  conf->set("acks", "all", err);
  conf->set("message.timeout.ms", "20000", err);
  conf->set("dr_cb", &reports, err);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), err));
  if (!producer) {
    ADD_FAILURE() << "producer as " << user << ": " << err;
    return RdKafka::ERR_UNKNOWN;
  }
  std::string value = "acl-test";
  RdKafka::ErrorCode queued = producer->produce(
      topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      value.data(), value.size(), nullptr, 0, 0, nullptr);
  if (queued != RdKafka::ERR_NO_ERROR) return queued;
  producer->flush(30000);
  return reports.last;
}

// Reads `topic` from the beginning as `user` in consumer group `group`:
// NO_ERROR once a record arrives, else the first error the broker gives.
RdKafka::ErrorCode ConsumeAs(const std::string& user, const std::string& group,
                             const std::string& topic) {
  std::unique_ptr<RdKafka::Conf> conf = KafkaConf(As(user));
  std::string err;
  conf->set("group.id", group, err);
  conf->set("auto.offset.reset", "earliest", err);
  conf->set("enable.auto.commit", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) {
    ADD_FAILURE() << "consumer as " << user << ": " << err;
    return RdKafka::ERR_UNKNOWN;
  }
  consumer->subscribe({topic});
  RdKafka::ErrorCode result = RdKafka::ERR__TIMED_OUT;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && result == RdKafka::ERR__TIMED_OUT) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(500));
    if (m->err() != RdKafka::ERR__TIMED_OUT &&
        m->err() != RdKafka::ERR__PARTITION_EOF) {
      result = m->err();
    }
  }
  consumer->close();
  return result;
}

class KafkaAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "acl" + NewUuid().substr(0, 8);
    absl::Status made = EnsureTopics(Stack().kafka("acl-test-setup"),
                                     {{Topic("lov.visits.events.v1"), 1},
                                      {Topic("lov.choice.events.v1"), 1},
                                      {Topic("lov.audit.v1"), 1}});
    ASSERT_TRUE(made.ok()) << made;
  }
  // A topic or group name under this test's namespace (CommonSettings).
  std::string Topic(const std::string& base) const {
    return absl::StrCat(ns_, ".", base);
  }

  std::string ns_;
};

TEST_F(KafkaAclTest, AServiceWritesItsOwnTopicAndTheAuditTopic) {
  EXPECT_EQ(ProduceAs("lov-visits", Topic("lov.visits.events.v1")),
            RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(ProduceAs("lov-choice", Topic("lov.choice.events.v1")),
            RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(ProduceAs("lov-choice", Topic("lov.audit.v1")),
            RdKafka::ERR_NO_ERROR);
}

TEST_F(KafkaAclTest, AServiceCannotWriteAnotherServicesTopic) {
  // visits reads choice's events (its upstream topic) but may not write them.
  EXPECT_EQ(ProduceAs("lov-visits", Topic("lov.choice.events.v1")),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  // choice does not even read visits' events.
  EXPECT_EQ(ProduceAs("lov-choice", Topic("lov.visits.events.v1")),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  EXPECT_EQ(ProduceAs("lov-registry", Topic("lov.visits.events.v1")),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
}

TEST_F(KafkaAclTest, TheReaderWritesNothing) {
  // Without a Write ACL anywhere an idempotent producer gets no producer id
  // (CLUSTER_AUTHORIZATION_FAILED, a fatal error that fails its records); a
  // plain one gets as far as the topic.
  EXPECT_NE(ProduceAs("lov-reader", Topic("lov.visits.events.v1")),
            RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(ProduceAs("lov-reader", Topic("lov.visits.events.v1"),
                      /*idempotent=*/false),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  EXPECT_EQ(ProduceAs("lov-reader", Topic("lov.audit.v1"),
                      /*idempotent=*/false),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
}

TEST_F(KafkaAclTest, AServiceReadsItsUpstreamTopicsOnly) {
  ASSERT_EQ(ProduceAs("lov-choice", Topic("lov.choice.events.v1")),
            RdKafka::ERR_NO_ERROR);
  ASSERT_EQ(ProduceAs("lov-visits", Topic("lov.visits.events.v1")),
            RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(ConsumeAs("lov-visits", Topic("visits.acl-test"),
                      Topic("lov.choice.events.v1")),
            RdKafka::ERR_NO_ERROR);
  // registry reads no other service's events.
  EXPECT_EQ(ConsumeAs("lov-registry", Topic("registry.acl-test"),
                      Topic("lov.visits.events.v1")),
            RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  // Services write audit records; only the audit service reads them.
  ASSERT_EQ(ProduceAs("lov-visits", Topic("lov.audit.v1")),
            RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(
      ConsumeAs("lov-visits", Topic("visits.acl-test"), Topic("lov.audit.v1")),
      RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  EXPECT_EQ(
      ConsumeAs("lov-audit", Topic("audit.acl-test"), Topic("lov.audit.v1")),
      RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(ConsumeAs("lov-reader", "reader-acl-" + ns_,
                      Topic("lov.visits.events.v1")),
            RdKafka::ERR_NO_ERROR);
}

TEST_F(KafkaAclTest, AServiceCannotUseAnotherServicesConsumerGroup) {
  ASSERT_EQ(ProduceAs("lov-choice", Topic("lov.choice.events.v1")),
            RdKafka::ERR_NO_ERROR);
  // A topic visits may read, in choice's group: joining it would move
  // choice's offsets.
  EXPECT_EQ(ConsumeAs("lov-visits", Topic("choice.projection"),
                      Topic("lov.choice.events.v1")),
            RdKafka::ERR_GROUP_AUTHORIZATION_FAILED);
}

TEST_F(KafkaAclTest, AServiceCannotCreateAnotherServicesTopic) {
  absl::Status created = EnsureTopics(As("lov-registry"),
                                      {{Topic("lov.settlement.events.v1"), 1}});
  EXPECT_FALSE(created.ok());
  EXPECT_TRUE(
      absl::StrContains(absl::AsciiStrToLower(created.message()), "authoriz"))
      << created;
  // settlement creates its own at start-up.
  EXPECT_TRUE(EnsureTopics(As("lov-settlement"),
                           {{Topic("lov.settlement.events.v1"), 1}})
                  .ok());
}

}  // namespace
}  // namespace lov
