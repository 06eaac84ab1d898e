// The retention of rejected reports in the visits service's Redis state
// (RedisVisitStore against the real Redis): a rejection is kept for the
// retention period and then gone with its keys, a looping client cannot
// grow the rejections beyond the cap per provider, and accepted visits
// never expire. The limits against clients over the wire are
// visits_limits_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/visits/adapters/redis_visit_store.h"
#include "lov/visits/tests/visits_test_support.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::Stack;

class RejectedRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    prefix_ = "test:" + NewUuid().substr(0, 8) + ":visits";
    store_ = std::make_unique<RedisVisitStore>(redis_.get(), prefix_, "",
                                               absl::Hours(24 * 90));
  }

  // A rejection of `report_id` in March 2025 recorded at `at`.
  static v1::VisitEvent Rejection(const std::string& report_id, absl::Time at) {
    return RejectionOf(report_id, at, "2025-03");
  }

  // An acceptance of visit `kProvider`/`name` in `period`, recorded at `at`.
  static v1::VisitEvent Acceptance(const std::string& name, absl::Time at,
                                   const std::string& period) {
    v1::VisitEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(absl::StrCat(kProvider, "/", name));
    e.set_aggregate_version(1);
    *e.mutable_occurred_at() = ToProtoTime(at);
    auto* v = e.mutable_visit_accepted()->mutable_visit();
    v->set_visit_id(e.aggregate_id());
    v->set_provider_id(kProvider);
    v->set_client_id("c1");
    v->set_period(period);
    return e;
  }

  int64_t Pttl(const std::string& suffix) {
    auto r = redis_->Command({"PTTL", prefix_ + ":" + suffix});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->integer : -3;
  }

  std::unique_ptr<RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<RedisVisitStore> store_;
};

TEST_F(RejectedRetentionTest, ARejectionIsKeptForTheRetentionPeriodThenGone) {
  const absl::Time now = absl::Now();
  const v1::VisitEvent recent = Rejection("recent", now - absl::Hours(24));
  const v1::VisitEvent old = Rejection("old", now - absl::Hours(24 * 91));
  ASSERT_TRUE(store_->ApplyOwn({{&recent}, {&old}}).ok());

  // Listed and recognised while kept: the recent one only.
  auto listed = store_->ListRejected(kProvider, "2025-03");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].report_id(), "recent");
  auto kept = store_->GetVisit(recent.aggregate_id());
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept->has_value());
  EXPECT_TRUE((*kept)->done);
  ASSERT_TRUE((*kept)->outcome.has_value());
  EXPECT_EQ((*kept)->outcome->outcome(), v1::OUTCOME_REJECTED);

  // Each of its keys expires 90 days after the rejection: 89 days from now.
  for (const std::string& key :
       {"visit:" + recent.aggregate_id(), "history:" + recent.aggregate_id(),
        std::string("rejections:") + kProvider + ":2025-03"}) {
    const int64_t ttl = Pttl(key);
    EXPECT_GT(ttl, absl::ToInt64Milliseconds(absl::Hours(24 * 89) -
                                             absl::Minutes(10)))
        << key;
    EXPECT_LE(ttl, absl::ToInt64Milliseconds(absl::Hours(24 * 89))) << key;
  }

  // The old one is gone (as after a rebuild from Kafka, which keeps it):
  // the same report sent again is judged afresh.
  auto gone = store_->GetVisit(old.aggregate_id());
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(Pttl("history:" + old.aggregate_id()), -2);  // no such key
  auto again = store_->Reserve(
      {Reservation{.visit_id = old.aggregate_id(), .fingerprint = "fp-old"}},
      "instance-1", absl::Hours(12));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)[0].kind, ReserveResult::Kind::kReserved);
}

// A looping client whose reports are all rejected cannot grow the serving
// state beyond the cap per provider (--rejected-max-per-provider): the
// newest are kept, listed and recognised; the older ones are gone with
// their keys, as if expired. A rebuild from the topic keeps the same.
TEST_F(RejectedRetentionTest, ALoopingClientCannotGrowRejectionsBeyondTheCap) {
  constexpr int kCap = 5;
  constexpr int kSent = 40;
  RedisVisitStore capped(redis_.get(), prefix_, "", absl::Hours(24 * 90), kCap);
  const absl::Time now = absl::Now();
  std::vector<v1::VisitEvent> events;
  for (int i = 0; i < kSent; ++i) {
    events.push_back(Rejection(absl::StrCat("loop-", i),
                               now - absl::Hours(1) + absl::Seconds(i)));
  }
  // An accepted visit of the same provider is never evicted.
  const v1::VisitEvent accepted =
      Acceptance("accepted", now - absl::Hours(2), "2025-03");
  ASSERT_TRUE(capped.ApplyOwn({{&accepted}}).ok());
  // One event at a time, as a client looping for ever sends them, and
  // then as a batch.
  for (int i = 0; i < kSent / 2; ++i) {
    ASSERT_TRUE(capped.ApplyOwn({{&events[i]}}).ok());
  }
  std::vector<RedisVisitStore::Applied> rest;
  for (int i = kSent / 2; i < kSent; ++i) rest.push_back({&events[i]});
  ASSERT_TRUE(capped.ApplyOwn(rest).ok());

  auto expect_newest_kept = [&](RedisVisitStore& store,
                                const std::string& prefix) {
    auto listed = store.ListRejected(kProvider, "2025-03");
    ASSERT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    for (const auto& r : *listed) ids.push_back(r.report_id());
    EXPECT_EQ(ids, (std::vector<std::string>{"loop-35", "loop-36", "loop-37",
                                             "loop-38", "loop-39"}));
    for (int i = 0; i < kSent; ++i) {
      auto got = store.GetVisit(events[i].aggregate_id());
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->has_value(), i >= kSent - kCap) << i;
    }
    auto kept = store.GetVisit(accepted.aggregate_id());
    ASSERT_TRUE(kept.ok());
    EXPECT_TRUE(kept->has_value()) << "an accepted visit was evicted";
    // Nothing else of the evicted ones is left: the keys of the provider
    // are the kept five's visit: and history:, the accepted visit's, the
    // month's list and the index (and no more however many were sent).
    auto keys = redis_->Command({"KEYS", prefix + ":*" + "loop-*"});
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->elements.size(), 2u * kCap);
    auto index = redis_->Command(
        {"ZCARD", prefix + ":rejected-index:" + std::string(kProvider)});
    ASSERT_TRUE(index.ok());
    EXPECT_EQ(index->integer, kCap);
  };
  expect_newest_kept(capped, prefix_);

  // The same events again, from the start (a rebuild): the same kept.
  const std::string rebuilt_prefix =
      "test:" + NewUuid().substr(0, 8) + ":visits";
  RedisVisitStore rebuilt(redis_.get(), rebuilt_prefix, "",
                          absl::Hours(24 * 90), kCap);
  std::vector<RedisVisitStore::Applied> all = {{&accepted}};
  for (const auto& e : events) all.push_back({&e});
  ASSERT_TRUE(rebuilt.ApplyOwn(all).ok());
  expect_newest_kept(rebuilt, rebuilt_prefix);
}

TEST_F(RejectedRetentionTest, AcceptedVisitsNeverExpire) {
  const v1::VisitEvent e =
      Acceptance("kept", absl::Now() - absl::Hours(24 * 400), "2024-01");
  ASSERT_TRUE(store_->ApplyOwn({{&e}}).ok());
  EXPECT_EQ(Pttl("visit:" + e.aggregate_id()), -1);  // no expiry
  EXPECT_EQ(Pttl("history:" + e.aggregate_id()), -1);
}

}  // namespace
}  // namespace lov::visits
