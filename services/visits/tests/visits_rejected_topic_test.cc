// Rejected reports on a topic of their own (lov.visits.rejected.v1), against
// the real Kafka and Redis: a rejection is written there and not on the
// events topic, answered the same when the report is sent again, kept
// through a rebuild of the state, and the topic deletes what is older than
// the retention or beyond its size cap. The same against the store alone:
// which first answer of a report stands does not depend on the order the
// two topics are read in.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/platform/topic_end.h"
#include "lov/visits/adapters/redis_visit_store.h"
#include "lov/visits/tests/visits_test_support.h"
#include "redis_dump.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::ReadEvents;
using ::lov::testing::Stack;

class VisitsRejectedTopicTest : public VisitsServiceTest {
 protected:
  // How many events `base` holds (the sum of its high watermarks).
  int64_t Records(const std::string& base) {
    auto end = KafkaTopicEnd::Create(Stack().reader(), Topic(base));
    EXPECT_TRUE(end.ok()) << end.status();
    if (!end.ok()) return -1;
    auto marks = (*end)->HighWatermarks();
    EXPECT_TRUE(marks.ok()) << marks.status();
    if (!marks.ok()) return -1;
    int64_t records = 0;
    for (const auto& [p, high] : *marks) records += high;
    return records;
  }

  std::vector<v1::VisitRejected> Rejected() {
    v1::ListRejectedRequest list;
    list.set_provider_id(kProvider);
    list.set_period("2025-03");
    v1::ListRejectedResponse resp;
    grpc::Status s = Call(&v1::VisitsService::Stub::ListRejected, list, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.rejected().begin(), resp.rejected().end()};
  }
};

TEST_F(VisitsRejectedTopicTest, ARejectionIsOnItsOwnTopicAndAnsweredTheSame) {
  SetUpUpstreams({"c1"});
  const absl::Time nine = Utc(2025, 3, 18, 8, 0);
  // One batch with both: each answered once its event is on its topic.
  std::vector<v1::ReportOutcome> out =
      Upload({Report("good", "c1", "s1", nine, 45),
              Report("nobody", "c-unknown", "s5", nine, 30)});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(out[0].error_code(), 0) << out[0].error_message();
  ASSERT_EQ(out[1].error_code(), 0) << out[1].error_message();
  EXPECT_EQ(out[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(out[1].outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(out[1].reason_code(), v1::REASON_CODE_UNKNOWN_CLIENT);

  std::vector<CloudEvent> rejected =
      ReadEvents(Topic(topics::kVisitsRejected), 1);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].type, "se.lov.visits.v1.VisitRejected");
  EXPECT_EQ(rejected[0].key, absl::StrCat(kProvider, "/nobody"));
  std::vector<CloudEvent> events = ReadEvents(Topic(topics::kVisitsEvents), 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "se.lov.visits.v1.VisitAccepted");
  EXPECT_EQ(Records(topics::kVisitsEvents), 1);  // no rejection there
  EXPECT_EQ(Records(topics::kVisitsRejected), 1);

  // Sent again: the first answer, and no second event.
  std::vector<v1::ReportOutcome> again =
      Upload({Report("nobody", "c-unknown", "s5", nine, 30)});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].replayed());
  EXPECT_EQ(again[0].outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(again[0].reason_code(), v1::REASON_CODE_UNKNOWN_CLIENT);
  EXPECT_EQ(Records(topics::kVisitsRejected), 1);

  // Rebuilt from the topics (killed, its Redis keys deleted): the same
  // rejection listed and recognised.
  const std::vector<v1::VisitRejected> listed = Rejected();
  ASSERT_EQ(listed.size(), 1u);
  service_->Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(ns_ + ":lov:visits:*");
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  ASSERT_GT(*wiped, 0);
  StartService();
  const std::vector<v1::VisitRejected> rebuilt = Rejected();
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_EQ(SerializeDeterministic(rebuilt[0]),
            SerializeDeterministic(listed[0]));
  again = Upload({Report("nobody", "c-unknown", "s5", nine, 30)});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].replayed());
  EXPECT_EQ(again[0].reason_code(), v1::REASON_CODE_UNKNOWN_CLIENT);
  EXPECT_EQ(Records(topics::kVisitsRejected), 1);
  EXPECT_EQ(Records(topics::kVisitsEvents), 1);
}

TEST_F(VisitsRejectedTopicTest, TheTopicDeletesOldRejectionsAndKeepsEvents) {
  // 90 days (--rejected-retention-days) and a day's margin; 1 GiB per
  // partition; deleted, not compacted.
  auto rejected = DescribeTopicConfig(Stack().kafka("rejected-topic-test"),
                                      Topic(topics::kVisitsRejected));
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ((*rejected)["retention.ms"],
            std::to_string(int64_t{91} * 24 * 3600 * 1000));
  EXPECT_EQ((*rejected)["retention.bytes"], std::to_string(int64_t{1} << 30));
  EXPECT_EQ((*rejected)["cleanup.policy"], "delete");
  // The events topic, the system of record, keeps everything for ever.
  auto events = DescribeTopicConfig(Stack().kafka("rejected-topic-test"),
                                    Topic(topics::kVisitsEvents));
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ((*events)["retention.ms"], "-1");
}

// The dead-letter topic the service created on its own (as on a local
// stack), read back from the broker: the 30 days the KafkaTopics in k8s
// keep, not the broker's default week.
TEST_F(VisitsRejectedTopicTest, TheDeadLetterTopicKeepsThirtyDays) {
  auto dead = DescribeTopicConfig(Stack().kafka("rejected-topic-test"),
                                  Topic(topics::DeadLetter("visits")));
  ASSERT_TRUE(dead.ok()) << dead.status();
  EXPECT_EQ((*dead)["retention.ms"],
            std::to_string(int64_t{30} * 24 * 3600 * 1000));
  EXPECT_EQ((*dead)["cleanup.policy"], "delete");
  // A parked 16 MiB event with 64 KiB for its dlq_* headers.
  EXPECT_EQ((*dead)["max.message.bytes"],
            std::to_string((16 << 20) + (64 << 10)));
}

// A service whose rejections are kept longer than the topic keeps them would
// forget answered rejections on a rebuild: it does not start.
TEST_F(VisitsRejectedTopicTest, ARetentionLongerThanTheTopicsIsRefused) {
  service_->Kill();
  ::lov::testing::ServiceProcess longer(
      "services/visits/visits",
      {"--namespace=" + ns_, "--rejected-retention-days=120"});
  EXPECT_FALSE(longer.Start(absl::Seconds(20)).ok());
  EXPECT_NE(longer.Log().find("retention.ms"), std::string::npos)
      << longer.Log();
}

// The store alone: a report rejected and later accepted (its rejection had
// expired or been evicted), or rejected twice, has the same state whichever
// of its events the projection reads first, and in one batch.
class FirstAnswerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  static v1::VisitEvent Rejection(absl::Time at, const std::string& reason) {
    v1::VisitEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(absl::StrCat(kProvider, "/r1"));
    e.set_aggregate_version(1);
    e.set_request_fingerprint("fp-" + reason);
    *e.mutable_occurred_at() = ToProtoTime(at);
    auto* r = e.mutable_visit_rejected();
    r->set_report_id("r1");
    r->set_provider_id(kProvider);
    r->set_client_id("c1");
    r->set_reason_code(reason);
    r->set_period("2025-03");
    r->mutable_report()->set_visit_id(e.aggregate_id());
    return e;
  }

  static v1::VisitEvent Acceptance(absl::Time at) {
    v1::VisitEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(absl::StrCat(kProvider, "/r1"));
    e.set_aggregate_version(1);
    e.set_request_fingerprint("fp-accepted");
    *e.mutable_occurred_at() = ToProtoTime(at);
    auto* v = e.mutable_visit_accepted()->mutable_visit();
    v->set_visit_id(e.aggregate_id());
    v->set_provider_id(kProvider);
    v->set_client_id("c1");
    v->set_period("2025-03");
    return e;
  }

  // The state after applying `order` (each a separate read of the
  // projection unless `one_batch`), under a prefix of its own, without the
  // offsets (those depend on the order).
  std::string StateAfter(const std::vector<VisitStore::Applied>& order,
                         bool one_batch) {
    const std::string prefix = "test:" + NewUuid().substr(0, 8) + ":visits";
    RedisVisitStore store(redis_.get(), prefix);
    if (one_batch) {
      EXPECT_TRUE(store.ApplyOwn(order).ok());
    } else {
      for (const auto& a : order) EXPECT_TRUE(store.ApplyOwn({a}).ok());
    }
    // Values that name keys (the rejected-index) name them without the
    // prefix too.
    const std::string dump = absl::StrReplaceAll(
        ::lov::testing::DumpRedis(*redis_, prefix), {{prefix, "<prefix>"}});
    std::string kept;
    for (absl::string_view line : absl::StrSplit(dump, '\n')) {
      if (!absl::StartsWith(line, ":applied")) {
        absl::StrAppend(&kept, line, "\n");
      }
    }
    return kept;
  }

  std::unique_ptr<RedisClient> redis_;
};

TEST_F(FirstAnswerStoreTest, AnAcceptanceReplacesTheRejectionInAnyOrder) {
  const absl::Time now = absl::Now();
  const v1::VisitEvent rejection =
      Rejection(now - absl::Hours(2), "NOT_ASSIGNED");
  const v1::VisitEvent acceptance = Acceptance(now - absl::Hours(1));
  // The rejection on the rejected reports' topic, the acceptance on the
  // events topic.
  const VisitStore::Applied r{&rejection, 0, 7, OwnTopic::kRejected};
  const VisitStore::Applied a{&acceptance, 1, 3, OwnTopic::kEvents};
  const std::string accepted_only = StateAfter({a}, false);
  EXPECT_EQ(StateAfter({r, a}, false), accepted_only);
  EXPECT_EQ(StateAfter({a, r}, false), accepted_only);
  EXPECT_EQ(StateAfter({r, a}, true), accepted_only);
  // What stands: the accepted visit, kept for ever, nothing rejected.
  const std::string prefix = "test:" + NewUuid().substr(0, 8) + ":visits";
  RedisVisitStore store(redis_.get(), prefix);
  ASSERT_TRUE(store.ApplyOwn({r}).ok());
  ASSERT_TRUE(store.ApplyOwn({a}).ok());
  auto got = store.GetVisit(acceptance.aggregate_id());
  ASSERT_TRUE(got.ok() && got->has_value());
  ASSERT_TRUE((*got)->current.has_value());
  EXPECT_EQ((*got)->outcome->outcome(), v1::OUTCOME_ACCEPTED);
  auto history = store.History(acceptance.aggregate_id());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].has_visit_accepted());
  auto listed = store.ListRejected(kProvider, "2025-03");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(
      redis_->Command({"PTTL", prefix + ":visit:" + acceptance.aggregate_id()})
          ->integer,
      -1);
}

TEST_F(FirstAnswerStoreTest, ALaterRejectionReplacesAnEarlierOneInAnyOrder) {
  const absl::Time now = absl::Now();
  const v1::VisitEvent first = Rejection(now - absl::Hours(3), "NOT_ASSIGNED");
  const v1::VisitEvent later =
      Rejection(now - absl::Hours(1), "UNKNOWN_CLIENT");
  const VisitStore::Applied f{&first, 0, 1,
                              OwnTopic::kEvents};  // before the topic
  const VisitStore::Applied l{&later, 0, 4, OwnTopic::kRejected};
  const std::string later_only = StateAfter({l}, false);
  EXPECT_EQ(StateAfter({f, l}, false), later_only);
  EXPECT_EQ(StateAfter({l, f}, false), later_only);
  EXPECT_EQ(StateAfter({f, l}, true), later_only);
  EXPECT_NE(later_only.find("UNKNOWN_CLIENT"), std::string::npos);
  EXPECT_EQ(later_only.find("NOT_ASSIGNED"), std::string::npos);
}

}  // namespace
}  // namespace lov::visits
