// Produces and consumes through the real broker that the ctest fixture runs.
#include "lov/platform/kafka.h"

#include <google/protobuf/timestamp.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lov/platform/redis.h"
#include "lov/platform/topic_end.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

std::string TimestampBody(int64_t seconds) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(7);
  return ts.SerializeAsString();
}

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = UniqueName("it.events");
    dlq_ = topic_ + ".dlq";
    ASSERT_TRUE(
        EnsureTopics(Stack().kafka(), {{topic_, 3, 1, {}}, {dlq_, 1, 1, {}}})
            .ok());
    auto p = EventProducer::Create(Stack().kafka("kafka-test"));
    ASSERT_TRUE(p.ok()) << p.status();
    producer_ = std::move(*p);
  }

  std::unique_ptr<EventConsumer> Consume(EventHandler handler,
                                         DedupeStore* dedupe = nullptr,
                                         OffsetStore* offsets = nullptr,
                                         std::string group = "") {
    ConsumerSettings s;
    s.kafka = Stack().kafka("kafka-test");
    s.group_id = group.empty() ? UniqueName("group") : group;
    s.topics = {topic_};
    s.dead_letter_topic = dlq_;
    s.max_backoff = absl::Milliseconds(200);
    auto c = EventConsumer::Create(s, producer_.get(), dedupe,
                                   std::move(handler), offsets);
    EXPECT_TRUE(c.ok()) << c.status();
    (*c)->Start();
    return std::move(*c);
  }

  // Publishes ticks 0..n-1 under one key (one partition, in order).
  void PublishTicks(const std::string& aggregate, int n) {
    std::vector<CloudEvent> sent;
    for (int i = 0; i < n; ++i) {
      sent.push_back(MakeEvent("/lov/test", "se.lov.test.v1.ticked", aggregate,
                               "google.protobuf.Timestamp", TimestampBody(i)));
    }
    ASSERT_TRUE(producer_->PublishAll(topic_, sent).ok());
  }

  std::string topic_, dlq_;
  std::unique_ptr<EventProducer> producer_;
};

// What a consumer of ticks saw, in order, and on which partition.
class TickLog {
 public:
  EventHandler Handler() {
    return [this](const CloudEvent& e) {
      google::protobuf::Timestamp ts;
      EXPECT_TRUE(ts.ParseFromString(e.data));
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(ts.seconds());
      partition_ = e.partition;
      return absl::OkStatus();
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.size();
  }
  std::vector<int64_t> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  int32_t partition() {
    std::lock_guard<std::mutex> lock(mu_);
    return partition_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<int64_t> seen_;
  int32_t partition_ = -1;
};

TEST_F(KafkaTest, HeadersAndProtobufBodyRoundTrip) {
  CloudEvent sent =
      MakeEvent("/lov/test", "se.lov.test.v1.ticked", "aggregate-42",
                "google.protobuf.Timestamp", TimestampBody(1706745600));
  ASSERT_TRUE(producer_->Publish(topic_, sent).ok());

  std::vector<CloudEvent> got = ReadEvents(topic_, 1);
  ASSERT_EQ(got.size(), 1u);
  const CloudEvent& e = got[0];
  EXPECT_EQ(e.id, sent.id);
  EXPECT_EQ(e.type, "se.lov.test.v1.ticked");
  EXPECT_EQ(e.source, "/lov/test");
  EXPECT_EQ(e.subject, "aggregate-42");
  EXPECT_EQ(e.key, "aggregate-42");  // keyed by the aggregate id
  EXPECT_EQ(e.content_type,
            "application/protobuf; proto=google.protobuf.Timestamp");
  EXPECT_EQ(absl::ToUnixSeconds(e.time), absl::ToUnixSeconds(sent.time));
  google::protobuf::Timestamp body;
  ASSERT_TRUE(body.ParseFromString(e.data));
  EXPECT_EQ(body.seconds(), 1706745600);
  EXPECT_EQ(body.nanos(), 7);
}

TEST_F(KafkaTest, SameEventIdTwiceIsHandledOnce) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisDedupeStore dedupe(redis->get(), UniqueName("it:seen"));
  CloudEvent e = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-1",
                           "google.protobuf.Timestamp", TimestampBody(1));
  CloudEvent marker = MakeEvent("/lov/test", "se.lov.test.v1.marker", "agg-1",
                                "google.protobuf.Timestamp", TimestampBody(2));
  // Same key, so the three stay in order on one partition.
  ASSERT_TRUE(producer_->PublishAll(topic_, {e, e, marker}).ok());

  std::atomic<int> ticks{0}, markers{0};
  auto consumer = Consume(
      [&](const CloudEvent& got) {
        (got.type == "se.lov.test.v1.marker" ? markers : ticks)++;
        return absl::OkStatus();
      },
      &dedupe);
  ASSERT_TRUE(Eventually([&] { return markers.load() == 1; }));
  consumer->Stop();
  EXPECT_EQ(ticks.load(), 1);
  EXPECT_EQ(consumer->duplicates(), 1);
}

// The state's own offsets, not the group's committed ones, say where a
// consumer starts: a Redis that lost its last writes (here: its offsets set
// back by hand, as an AOF losing its last second would) gets those events
// again although the group committed past them.
TEST_F(KafkaTest, StartsFromTheOffsetsStoredWithTheState) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisOffsetStore offsets(redis->get(), UniqueName("it:offsets"));
  PublishTicks("agg-o", 5);
  const std::string group = UniqueName("group");
  TickLog log;
  auto first = Consume(log.Handler(), nullptr, &offsets, group);
  ASSERT_TRUE(Eventually([&] { return log.size() == 5; }));
  first->Stop();  // commits offset 5 to the group, saves 5 with the state
  const int32_t partition = log.partition();
  absl::StatusOr<std::optional<int64_t>> saved =
      offsets.Load(topic_, partition);
  ASSERT_TRUE(saved.ok()) << saved.status();
  ASSERT_TRUE(saved->has_value());
  const int64_t end = **saved;

  // A state that lost its last two events.
  RedisOffsetStore lost(redis->get(), UniqueName("it:offsets-lost"));
  ASSERT_TRUE(lost.Save(topic_, partition, end - 2).ok());
  log.Clear();
  auto second = Consume(log.Handler(), nullptr, &lost, group);
  ASSERT_TRUE(Eventually([&] { return log.size() == 2; }));
  second->Stop();
  EXPECT_EQ(log.seen(), (std::vector<int64_t>{3, 4}));
  absl::StatusOr<std::optional<int64_t>> now = lost.Load(topic_, partition);
  ASSERT_TRUE(now.ok() && now->has_value());
  EXPECT_EQ(**now, end);
  // Never backwards.
  ASSERT_TRUE(lost.Save(topic_, partition, 1).ok());
  EXPECT_EQ(**lost.Load(topic_, partition), end);
}

TEST_F(KafkaTest, PoisonMessageGoesToDeadLetterTopicWithTheError) {
  CloudEvent bad = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-p",
                             "google.protobuf.Timestamp", "\xff\xff not proto");
  CloudEvent good = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-p",
                              "google.protobuf.Timestamp", TimestampBody(3));
  ASSERT_TRUE(producer_->PublishAll(topic_, {bad, good}).ok());

  std::atomic<int> handled{0};
  auto consumer = Consume([&](const CloudEvent& e) {
    google::protobuf::Timestamp ts;
    if (!ts.ParseFromString(e.data)) {
      return absl::InvalidArgumentError("body is not a Timestamp");
    }
    ++handled;
    return absl::OkStatus();
  });
  // The good event after the poison one is still processed: no blocking.
  ASSERT_TRUE(Eventually([&] { return handled.load() == 1; }));
  consumer->Stop();
  EXPECT_EQ(consumer->dead_lettered(), 1);

  std::vector<CloudEvent> parked = ReadEvents(dlq_, 1);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].id, bad.id);
  EXPECT_EQ(parked[0].data, bad.data);
  EXPECT_NE(parked[0].Header("dlq_error").find("body is not a Timestamp"),
            std::string::npos);
  EXPECT_EQ(parked[0].Header("dlq_topic"), topic_);
  EXPECT_FALSE(parked[0].Header("dlq_offset").empty());
}

// Nothing an event carries may crash a consumer: an exception in the
// handler (here std::stoll on a value that is no number) parks the event
// with the reason, and the next event is handled.
TEST_F(KafkaTest, AnExceptionInTheHandlerDeadLettersTheEventAndGoesOn) {
  CloudEvent bad = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-x",
                             "google.protobuf.Timestamp", "not a number");
  CloudEvent good = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-x",
                              "google.protobuf.Timestamp", "42");
  ASSERT_TRUE(producer_->PublishAll(topic_, {bad, good}).ok());

  std::atomic<int64_t> sum{0};
  auto consumer = Consume([&](const CloudEvent& e) {
    sum += std::stoll(e.data);  // throws std::invalid_argument on `bad`
    return absl::OkStatus();
  });
  ASSERT_TRUE(Eventually([&] { return sum.load() == 42; }));
  consumer->Stop();
  EXPECT_EQ(consumer->dead_lettered(), 1);
  std::vector<CloudEvent> parked = ReadEvents(dlq_, 1);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].id, bad.id);
  EXPECT_NE(parked[0].Header("dlq_error").find("DATA_LOSS"), std::string::npos)
      << parked[0].Header("dlq_error");
  EXPECT_NE(parked[0].Header("dlq_error").find("stoll"), std::string::npos)
      << parked[0].Header("dlq_error");
}

TEST_F(KafkaTest, TransientFailureIsRetriedNotSkipped) {
  CloudEvent e = MakeEvent("/lov/test", "se.lov.test.v1.ticked", "agg-t",
                           "google.protobuf.Timestamp", TimestampBody(4));
  ASSERT_TRUE(producer_->Publish(topic_, e).ok());
  std::atomic<int> attempts{0}, successes{0};
  auto consumer = Consume([&](const CloudEvent&) {
    if (++attempts < 3) return absl::UnavailableError("redis is down");
    ++successes;
    return absl::OkStatus();
  });
  ASSERT_TRUE(Eventually([&] { return successes.load() == 1; }));
  consumer->Stop();
  EXPECT_EQ(attempts.load(), 3);
  EXPECT_EQ(consumer->dead_lettered(), 0);
}

// Redis refusing writes (here: its disk is full) is an outage, not a bad
// event: the consumer holds the event, its partition waits, the state
// "retrying" shows it, and once Redis is back both events are handled in
// order with nothing dead-lettered.
TEST_F(KafkaTest, OutageHoldsTheEventAndItsPartitionAndShowsRetrying) {
  CloudEvent first = MakeEvent("/lov/test", "t", "agg-o", "x", "1");
  CloudEvent second = MakeEvent("/lov/test", "t", "agg-o", "x", "2");
  ASSERT_TRUE(producer_->PublishAll(topic_, {first, second}).ok());
  std::atomic<bool> redis_up{false};
  std::mutex mu;
  std::vector<std::string> handled;
  auto consumer = Consume([&](const CloudEvent& e) {
    if (!redis_up.load()) {
      return RedisErrorStatus(
          "MISCONF Errors writing to the AOF file: No space left on device");
    }
    std::lock_guard<std::mutex> lock(mu);
    handled.push_back(e.id);
    return absl::OkStatus();
  });
  ASSERT_TRUE(Eventually(
      [&] { return consumer->retrying() && consumer->retries() >= 3; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(handled.empty()) << "the second event waits for the first";
  }
  redis_up = true;
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return handled.size() == 2;
  }));
  EXPECT_FALSE(consumer->retrying());
  consumer->Stop();
  EXPECT_EQ(handled[0], first.id);
  EXPECT_EQ(handled[1], second.id);
  EXPECT_EQ(consumer->dead_lettered(), 0);
}

// An OffsetStore that cannot be read `failures` times (Redis restarting,
// refusing the login), then answers from `inner`.
class FlakyOffsetStore : public OffsetStore {
 public:
  FlakyOffsetStore(OffsetStore* inner, int failures)
      : inner_(inner), failures_(failures) {}
  absl::StatusOr<std::optional<int64_t>> Load(const std::string& topic,
                                              int32_t partition) override {
    if (loads_.fetch_add(1) < failures_) {
      return absl::UnavailableError(
          "redis: WRONGPASS invalid username-password pair");
    }
    return inner_->Load(topic, partition);
  }
  absl::Status Save(const std::string& topic, int32_t partition,
                    int64_t next_offset) override {
    return inner_->Save(topic, partition, next_offset);
  }
  int loads() const { return loads_.load(); }

 private:
  OffsetStore* inner_;
  const int failures_;
  std::atomic<int> loads_{0};
};

// The state's offsets unreadable when a partition is assigned: the consumer
// waits and reads them again, and starts where the state says, not at the
// group's committed offset (which is past the events the state lost).
TEST_F(KafkaTest, UnreadableStoredOffsetsAreWaitedForNotReplacedByTheGroups) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisOffsetStore offsets(redis->get(), UniqueName("it:offsets"));
  PublishTicks("agg-f", 5);
  const std::string group = UniqueName("group");
  TickLog log;
  auto first = Consume(log.Handler(), nullptr, &offsets, group);
  ASSERT_TRUE(Eventually([&] { return log.size() == 5; }));
  first->Stop();  // the group has committed all five
  const int32_t partition = log.partition();

  // The state lost its last two events, and Redis refuses the first reads.
  RedisOffsetStore lost(redis->get(), UniqueName("it:offsets-lost"));
  ASSERT_TRUE(
      lost.Save(topic_, partition, **offsets.Load(topic_, partition) - 2).ok());
  FlakyOffsetStore flaky(&lost, /*failures=*/3);
  log.Clear();
  auto second = Consume(log.Handler(), nullptr, &flaky, group);
  ASSERT_TRUE(Eventually([&] { return log.size() == 2; }))
      << "loads: " << flaky.loads();
  second->Stop();
  EXPECT_EQ(log.seen(), (std::vector<int64_t>{3, 4}));
  EXPECT_GE(flaky.loads(), 4);
  EXPECT_GE(second->retries(), 3);
  EXPECT_FALSE(second->retrying());
}

TEST_F(KafkaTest, CommittedOffsetsResumeWhereTheGroupLeftOff) {
  ConsumerSettings s;
  s.kafka = Stack().kafka("kafka-test");
  s.group_id = UniqueName("resume");
  s.topics = {topic_};
  s.dead_letter_topic = dlq_;
  std::vector<std::string> seen;
  std::mutex mu;
  auto handler = [&](const CloudEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(e.id);
    return absl::OkStatus();
  };
  CloudEvent first = MakeEvent("/lov/test", "t", "k", "x", "1");
  CloudEvent second = MakeEvent("/lov/test", "t", "k", "x", "2");
  ASSERT_TRUE(producer_->Publish(topic_, first).ok());
  {
    auto c = EventConsumer::Create(s, producer_.get(), nullptr, handler);
    ASSERT_TRUE(c.ok());
    (*c)->Start();
    ASSERT_TRUE(Eventually([&] {
      std::lock_guard<std::mutex> lock(mu);
      return seen.size() == 1;
    }));
    (*c)->Stop();
  }
  ASSERT_TRUE(producer_->Publish(topic_, second).ok());
  auto c = EventConsumer::Create(s, producer_.get(), nullptr, handler);
  ASSERT_TRUE(c.ok());
  (*c)->Start();
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size() >= 2;
  }));
  (*c)->Stop();
  ASSERT_EQ(seen.size(), 2u);  // the first event was not delivered again
  EXPECT_EQ(seen[0], first.id);
  EXPECT_EQ(seen[1], second.id);
}

TEST_F(KafkaTest, ReplayReadsEverythingFromTheBeginningInKeyOrder) {
  std::vector<CloudEvent> events;
  for (int i = 0; i < 20; ++i) {
    events.push_back(MakeEvent("/lov/test", "se.lov.test.v1.ticked",
                               "agg-" + std::to_string(i % 4),
                               "google.protobuf.Timestamp", TimestampBody(i)));
  }
  ASSERT_TRUE(producer_->PublishAll(topic_, events).ok());
  std::map<std::string, std::vector<int64_t>> per_key;
  int64_t replayed = 0;
  absl::Status s = ReplayTopics(
      Stack().kafka("replay-test"), {topic_},
      [&](const CloudEvent& e) {
        google::protobuf::Timestamp ts;
        ts.ParseFromString(e.data);
        per_key[e.key].push_back(ts.seconds());
        return absl::OkStatus();
      },
      &replayed);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(replayed, 20);
  EXPECT_EQ(per_key["agg-1"], (std::vector<int64_t>{1, 5, 9, 13, 17}));
}

// The end of a topic is, per partition, the offset its next event gets:
// four ticks under one key, on a topic of three partitions, end one
// partition at 4 and leave the others at 0 (kafka_watermarks.h, which the
// console's consumer group lag reads too).
TEST_F(KafkaTest, TopicEndIsWhereTheNextEventGoes) {
  PublishTicks("a", 4);
  absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> end =
      KafkaTopicEnd::Create(Stack().kafka(), topic_);
  ASSERT_TRUE(end.ok()) << end.status();
  absl::StatusOr<std::map<int32_t, int64_t>> highs = (*end)->HighWatermarks();
  ASSERT_TRUE(highs.ok()) << highs.status();
  ASSERT_EQ(highs->size(), 3u);
  std::vector<int64_t> ends;
  for (const auto& [partition, high] : *highs) ends.push_back(high);
  std::sort(ends.begin(), ends.end());
  EXPECT_EQ(ends, (std::vector<int64_t>{0, 0, 4}));
}

TEST(KafkaConfigTest, UnreachableBrokerIsAClearErrorNotAHang) {
  KafkaSettings settings;
  settings.brokers = "127.0.0.1:1";  // nothing listens on port 1
  settings.client_id = "bad-config";
  settings.connect_timeout = absl::Seconds(2);
  auto p = EventProducer::Create(settings);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(p.status().message().find("cannot reach Kafka at 127.0.0.1:1"),
            std::string::npos)
      << p.status();
}

}  // namespace
}  // namespace lov
