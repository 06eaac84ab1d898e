// The batch option of the consumer and the replay (BatchEventHandler):
// events go to the batch handler several at a time, in partition order, and
// a batch that fails is handled again one by one by the EventHandler, whose
// status decides each event (a poison one is dead-lettered, the others are
// handled, none twice).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

class KafkaBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = UniqueName("it.batch");
    dlq_ = topic_ + ".dlq";
    ASSERT_TRUE(
        EnsureTopics(Stack().kafka(), {{topic_, 3, 1, {}}, {dlq_, 1, 1, {}}})
            .ok());
    auto p = EventProducer::Create(Stack().kafka("kafka-test"));
    ASSERT_TRUE(p.ok()) << p.status();
    producer_ = std::move(*p);
  }

  // `n` events over 4 keys, "<key>#<i>" as their data; "poison" for the
  // one at `poison` (-1: none).
  void PublishEvents(int n, int poison = -1) {
    std::vector<CloudEvent> events;
    for (int i = 0; i < n; ++i) {
      const std::string key = absl::StrCat("agg-", i % 4);
      events.push_back(MakeEvent("/lov/test", "se.lov.test.v1.ticked", key,
                                 "test",
                                 i == poison ? "poison" : absl::StrCat(i)));
    }
    ASSERT_TRUE(producer_->PublishAll(topic_, events).ok());
  }

  // What the handlers saw: each event's data, per key in the order handled.
  struct Seen {
    std::mutex mu;
    std::map<std::string, std::vector<std::string>> per_key;
    std::multiset<std::string> all;
    size_t largest_batch = 0;
    int batches = 0;
    int singles = 0;

    void Add(const CloudEvent& e) {
      per_key[e.key].push_back(e.data);
      all.insert(e.data);
    }
  };

  std::string topic_, dlq_;
  std::unique_ptr<EventProducer> producer_;
};

TEST_F(KafkaBatchTest, ReplayHandsBatchesInOrderAndAFailedOneEventByEvent) {
  PublishEvents(40);
  Seen seen;
  bool failed_once = false;
  int64_t replayed = 0;
  absl::Status s = ReplayTopics(
      Stack().kafka("replay-test"), {topic_},
      [&](const CloudEvent& e) {
        ++seen.singles;
        seen.Add(e);
        return absl::OkStatus();
      },
      &replayed, nullptr,
      [&](const std::vector<CloudEvent>& events) {
        // The first batch fails after nothing was applied: its events come
        // again one by one.
        if (!failed_once) {
          failed_once = true;
          return absl::UnavailableError("redis went away");
        }
        ++seen.batches;
        seen.largest_batch = std::max(seen.largest_batch, events.size());
        for (const CloudEvent& e : events) seen.Add(e);
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(replayed, 40);
  // Every event exactly once, each key's in the order published.
  ASSERT_EQ(seen.all.size(), 40u);
  EXPECT_EQ(std::set<std::string>(seen.all.begin(), seen.all.end()).size(),
            40u);
  for (const auto& [key, data] : seen.per_key) {
    for (size_t i = 1; i < data.size(); ++i) {
      EXPECT_EQ(std::stoi(data[i]) - std::stoi(data[i - 1]), 4)
          << key << " out of order";
    }
  }
  EXPECT_TRUE(failed_once);
  EXPECT_GT(seen.singles, 0);  // the failed batch, one by one
}

TEST_F(KafkaBatchTest, ReplayWaitsForTheNextFetchBeforeAPartialBatch) {
  // 20 produce rounds of 25 events: 20 record batches per partition...
  for (int round = 0; round < 20; ++round) {
    ASSERT_NO_FATAL_FAILURE(PublishEvents(25));
  }
  // ...and fetches of one record batch per partition each, so the 500 events
  // arrive over 20 fetches. Between two, librdkafka's queue is empty: a
  // replay that handed on what had arrived made a batch per fetch (about 25
  // events each); one that waits for the next fetch fills kMaxEventBatch.
  KafkaSettings settings = Stack().kafka("replay-test");
  settings.security.emplace_back("max.partition.fetch.bytes", "1");
  // Generous for a loaded machine; the end of the topics is not waited for.
  settings.replay_gather = absl::Seconds(1);
  std::vector<size_t> sizes;
  std::multiset<std::string> all;
  int64_t replayed = 0;
  absl::Status s = ReplayTopics(
      settings, {topic_},
      [&](const CloudEvent& e) {
        sizes.push_back(1);
        all.insert(e.data);
        return absl::OkStatus();
      },
      &replayed, nullptr,
      [&](const std::vector<CloudEvent>& events) {
        sizes.push_back(events.size());
        for (const CloudEvent& e : events) all.insert(e.data);
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(replayed, 500);
  EXPECT_EQ(all.size(), 500u);
  // Each round's data is 0..24: every one 20 times.
  EXPECT_EQ(all.count("0"), 20u);
  EXPECT_EQ(all.count("24"), 20u);
  EXPECT_EQ(sizes, std::vector<size_t>{kMaxEventBatch});
}

TEST_F(KafkaBatchTest, ConsumerBatchesAndDeadLettersThePoisonOfAFailedBatch) {
  // Published before the consumer starts: a backlog, read in batches.
  PublishEvents(30, /*poison=*/7);
  Seen seen;
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisDedupeStore dedupe(redis->get(), UniqueName("it:batch:seen"));
  ConsumerSettings cs;
  cs.kafka = Stack().kafka("kafka-test");
  cs.group_id = UniqueName("group");
  cs.topics = {topic_};
  cs.dead_letter_topic = dlq_;
  cs.max_backoff = absl::Milliseconds(200);
  cs.batch_handler = [&](const std::vector<CloudEvent>& events) {
    std::lock_guard<std::mutex> lock(seen.mu);
    // What was offered counts, even the batch that fails: when the whole
    // backlog arrives at once it is one batch, with the poison in it.
    seen.largest_batch = std::max(seen.largest_batch, events.size());
    for (const CloudEvent& e : events) {
      if (e.data == "poison") {
        return absl::InvalidArgumentError("poison in the batch");
      }
    }
    ++seen.batches;
    for (const CloudEvent& e : events) seen.Add(e);
    return absl::OkStatus();
  };
  auto c = EventConsumer::Create(
      cs, producer_.get(), &dedupe, [&](const CloudEvent& e) {
        std::lock_guard<std::mutex> lock(seen.mu);
        if (e.data == "poison") return absl::InvalidArgumentError("poison");
        ++seen.singles;
        seen.Add(e);
        return absl::OkStatus();
      });
  ASSERT_TRUE(c.ok()) << c.status();
  (*c)->Start();
  ASSERT_TRUE(Eventually([&] {
    return (*c)->handled() == 29 && (*c)->dead_lettered() == 1;
  })) << "handled "
      << (*c)->handled() << ", dead-lettered " << (*c)->dead_lettered();
  std::vector<CloudEvent> parked = ReadEvents(dlq_, 1);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].data, "poison");
  (*c)->Stop();
  std::lock_guard<std::mutex> lock(seen.mu);
  // Each good event once, by a batch or one by one, in order per key.
  ASSERT_EQ(seen.all.size(), 29u);
  EXPECT_EQ(std::set<std::string>(seen.all.begin(), seen.all.end()).size(),
            29u);
  EXPECT_EQ(seen.all.count("poison"), 0u);
  for (const auto& [key, data] : seen.per_key) {
    for (size_t i = 1; i < data.size(); ++i) {
      EXPECT_LT(std::stoi(data[i - 1]), std::stoi(data[i]))
          << key << " out of order";
    }
  }
  EXPECT_GT(seen.largest_batch, 1u);  // a backlog is read in batches
  EXPECT_GT(seen.singles, 0);         // the poison's batch, one by one
}

}  // namespace
}  // namespace lov
