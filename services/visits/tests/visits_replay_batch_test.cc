// The rebuild's plain path (redis_visit_replay.cc) against the real Redis:
// own events replayed into a state that is not built yet leave every key
// exactly as the record script leaves them applied one by one, however the
// events are cut into batches; a batch with a visit already in Redis, or
// with a rejection, takes the script; once the ready key is there, the
// plain path is not tried.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/visits/adapters/redis_visit_store.h"
#include "lov/visits/domain/visit_rules.h"
#include "lov/visits/tests/visits_test_support.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

v1::Visit MakeVisit(const std::string& name, const std::string& client,
                    const std::string& staff, absl::Time start, int minutes,
                    int version) {
  v1::Visit v;
  v.set_visit_id(absl::StrCat(kProvider, "/", name));
  v.set_report_id(name);
  v.set_provider_id(kProvider);
  v.set_client_id(client);
  v.set_category_id("home-help");
  v.set_staff_id(staff);
  *v.mutable_start() = ToProtoTime(start);
  *v.mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
  v.set_status(v1::VISIT_STATUS_PERFORMED);
  v.set_period(PeriodOf(start));
  v.set_version(version);
  return v;
}

// The envelope of an event of `v`: a report's, or a staff command's
// (`command` "fix", "void", "review") naming its request.
v1::VisitEvent Envelope(const v1::Visit& v, int64_t version,
                        const std::string& command = "") {
  v1::VisitEvent e;
  e.set_event_id(NewUuid());
  e.set_aggregate_id(v.visit_id());
  e.set_aggregate_version(version);
  *e.mutable_occurred_at() = v.end();
  const std::string request =
      command.empty() ? v.report_id() : command + "-" + v.report_id();
  if (!command.empty()) e.set_request_id(request);
  e.set_request_fingerprint("fp-" + request);
  return e;
}

v1::VisitEvent Accepted(const v1::Visit& v, bool with_exception = false) {
  v1::VisitEvent e = Envelope(v, 1);
  *e.mutable_visit_accepted()->mutable_visit() = v;
  if (with_exception) {
    auto* x = e.mutable_visit_accepted()->add_exceptions();
    x->set_code("OUTSIDE_HOURS");
  }
  return e;
}

v1::VisitEvent Corrected(const v1::Visit& previous, const v1::Visit& v) {
  v1::VisitEvent e = Envelope(v, v.version(), "fix");
  auto* c = e.mutable_visit_corrected();
  *c->mutable_visit() = v;
  *c->mutable_previous() = previous;
  c->set_reason("read late");
  return e;
}

v1::VisitEvent Voided(const v1::Visit& previous, int64_t version) {
  v1::VisitEvent e = Envelope(previous, version, "void");
  auto* x = e.mutable_visit_voided();
  *x->mutable_previous() = previous;
  x->set_period(previous.period());
  x->set_reason("wrong client");
  return e;
}

v1::VisitEvent Reviewed(const v1::Visit& v, int64_t version) {
  v1::VisitEvent e = Envelope(v, version, "review");
  auto* r = e.mutable_exceptions_reviewed();
  r->set_visit_id(v.visit_id());
  r->set_provider_id(kProvider);
  r->set_visit_version(v.version());
  r->set_outcome(v1::REVIEW_OUTCOME_ACCEPTED);
  return e;
}

v1::VisitEvent Rejected(const std::string& name, absl::Time at) {
  return RejectionOf(name, at, PeriodOf(at));
}

class VisitsReplayBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = ::lov::testing::Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    root_ = "test:" + NewUuid().substr(0, 8);
  }
  void TearDown() override {
    for (const std::string& key : Keys(root_)) {
      (void)redis_->Command({"DEL", key});
    }
  }

  std::vector<std::string> Keys(const std::string& prefix) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
      absl::StatusOr<RedisReply> r = redis_->Command(
          {"SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "1000"});
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      cursor = r->elements[0].str;
      for (const auto& k : r->elements[1].elements) keys.push_back(k.str);
    } while (cursor != "0");
    return keys;
  }

  // Every key under `prefix` but the ready key, by its name after the
  // prefix: its type, its content (hash fields and set members sorted) and
  // whether it expires.
  std::map<std::string, std::string> Dump(const std::string& prefix) {
    std::map<std::string, std::string> out;
    for (const std::string& key : Keys(prefix)) {
      const std::string name = key.substr(prefix.size() + 1);
      if (name == "ready") continue;
      const std::string type = redis_->Command({"TYPE", key})->str;
      std::vector<std::string> parts;
      auto strings = [&](const RedisReply& r) {
        for (const auto& e : r.elements) parts.push_back(e.str);
      };
      if (type == "string") {
        parts.push_back(redis_->Command({"GET", key})->str);
      } else if (type == "hash") {
        const RedisReply r = *redis_->Command({"HGETALL", key});
        for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
          parts.push_back(r.elements[i].str + "=" + r.elements[i + 1].str);
        }
        std::sort(parts.begin(), parts.end());
      } else if (type == "set") {
        strings(*redis_->Command({"SMEMBERS", key}));
        std::sort(parts.begin(), parts.end());
      } else if (type == "list") {
        strings(*redis_->Command({"LRANGE", key, "0", "-1"}));
      } else if (type == "zset") {
        strings(*redis_->Command({"ZRANGE", key, "0", "-1", "WITHSCORES"}));
      }
      const bool expires = redis_->Command({"PTTL", key})->integer >= 0;
      // Keys named in values (a rejection's index entry) without the prefix.
      out[name] =
          absl::StrReplaceAll(absl::StrCat(type, expires ? " (expires)" : "",
                                           ": ", absl::StrJoin(parts, " | ")),
                              {{prefix + ":", "<prefix>:"}});
    }
    return out;
  }

  std::unique_ptr<RedisVisitStore> Store(const std::string& name) {
    return std::make_unique<RedisVisitStore>(redis_.get(), root_ + ":" + name);
  }

  // The state the record script leaves with the events applied one by one,
  // as the live projection may (its ready key set first).
  std::map<std::string, std::string> ScriptState(
      const std::string& name, const std::vector<v1::VisitEvent>& events) {
    auto store = Store(name);
    EXPECT_TRUE(redis_->Command({"SET", store->ReadyKey(), "1"}).ok());
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_TRUE(store->ApplyOwn({At(events, i)}).ok());
    }
    EXPECT_EQ(store->replayed_plain(), 0);
    return Dump(root_ + ":" + name);
  }

  // Events 0..4 on partition 0, the others on partition 1, each at its
  // index as offset; rejections on the rejected reports' topic.
  static VisitStore::Applied At(const std::vector<v1::VisitEvent>& events,
                                size_t i) {
    return {&events[i], i < 5 ? 0 : 1, static_cast<int64_t>(i),
            events[i].has_visit_rejected() ? OwnTopic::kRejected
                                           : OwnTopic::kEvents};
  }

  std::unique_ptr<RedisClient> redis_;
  std::string root_;
};

// A month's visits as the topic holds them: acceptances (one with an
// exception, one double staffed, one where the client was absent), a
// correction and a void in the same batch as their acceptance, a review,
// and an acceptance read a second time.
std::vector<v1::VisitEvent> Month() {
  const absl::Time nine = Utc(2025, 3, 18, 8, 0);
  const v1::Visit a = MakeVisit("a", "c1", "s1", nine, 45, 1);
  v1::Visit b = MakeVisit("b", "c1", "s2", nine + absl::Hours(2), 30, 1);
  b.set_double_staffing(true);
  b.set_second_staff_id("s3");
  v1::Visit c = MakeVisit("c", "c2", "s1", nine + absl::Hours(3), 20, 1);
  c.set_status(v1::VISIT_STATUS_CLIENT_ABSENT);
  const v1::Visit d = MakeVisit("d", "c2", "s4", Utc(2025, 2, 10, 8, 0), 30, 1);
  const v1::Visit e = MakeVisit("e", "c1", "s1", nine + absl::Hours(4), 15, 1);
  const v1::Visit f = MakeVisit("f", "c3", "s5", nine, 60, 1);
  v1::Visit a2 = MakeVisit("a", "c1", "s1", nine, 60, 2);
  return {Accepted(a, /*with_exception=*/true),
          Accepted(b),
          Accepted(c),
          Corrected(a, a2),
          Accepted(d),
          Voided(d, 2),
          Reviewed(b, 2),
          Accepted(e),
          Accepted(f),
          Accepted(a)};  // read again: version 1 is older than a's 2
}

TEST_F(VisitsReplayBatchTest, ReplayedBatchesLeaveTheStateTheScriptLeaves) {
  const std::vector<v1::VisitEvent> events = Month();
  const std::map<std::string, std::string> expected =
      ScriptState("script", events);
  // Worked by hand: a's record, client c1's March counters (a at 60 min
  // after its correction, b 30 min double staffed, e 15 min), d voided in
  // February, both partitions' next offsets.
  EXPECT_EQ(expected.at("performed:c1:2025-03"),
            "hash: " + std::string(kProvider) + "|home-help|c=105 | " +
                kProvider + "|home-help|n=3 | " + kProvider +
                "|home-help|s=135");
  EXPECT_EQ(expected.at("performed:c2:2025-02"),
            "hash: " + std::string(kProvider) + "|home-help|c=0 | " +
                kProvider + "|home-help|n=0 | " + kProvider + "|home-help|s=0");
  EXPECT_EQ(expected.at("applied"), "hash: 0=5 | 1=10");
  EXPECT_EQ(expected.count("performed:c2:2025-03"), 0u);  // c was absent

  for (size_t size : {events.size(), size_t{4}, size_t{3}, size_t{1}}) {
    SCOPED_TRACE(absl::StrCat("batches of ", size));
    const std::string name = absl::StrCat("replay", size);
    auto store = Store(name);
    for (size_t from = 0; from < events.size(); from += size) {
      std::vector<VisitStore::Applied> batch;
      for (size_t i = from; i < std::min(from + size, events.size()); ++i) {
        batch.push_back(At(events, i));
      }
      ASSERT_TRUE(store->ApplyOwn(batch).ok());
    }
    EXPECT_EQ(Dump(root_ + ":" + name), expected);
    if (size == events.size()) {
      // The last event repeats an acceptance, so the batch is split before
      // it (RepeatedAnswerAt); a is then in Redis, so that part takes the
      // script: 9 of the 10 events without it.
      EXPECT_EQ(store->replayed_plain(), 9);
    }
    if (size == 3) {
      // [a b c] plain; [a2 d d-void] a is there; [review-b e f] b is
      // there; [a again] a is there.
      EXPECT_EQ(store->replayed_plain(), 3);
    }
  }
}

TEST_F(VisitsReplayBatchTest, RejectionsAndAReadyStateTakeTheScript) {
  std::vector<v1::VisitEvent> events = Month();
  events.insert(events.begin() + 2,
                Rejected("r", absl::Now() - absl::Hours(1)));  // kept
  const std::map<std::string, std::string> expected =
      ScriptState("script", events);
  EXPECT_NE(expected.count("applied-rejected"), 0u);
  auto store = Store("replay");
  std::vector<VisitStore::Applied> all;
  for (size_t i = 0; i < events.size(); ++i) all.push_back(At(events, i));
  ASSERT_TRUE(store->ApplyOwn(all).ok());
  EXPECT_EQ(store->replayed_plain(), 0);
  EXPECT_EQ(Dump(root_ + ":replay"), expected);

  // Built (the ready key set): the same fresh events take the script.
  auto built = Store("built");
  ASSERT_TRUE(redis_->Command({"SET", built->ReadyKey(), "1"}).ok());
  const std::vector<v1::VisitEvent> month = Month();
  std::vector<VisitStore::Applied> fresh;
  for (size_t i = 0; i < 3; ++i) fresh.push_back(At(month, i));
  ASSERT_TRUE(built->ApplyOwn(fresh).ok());
  EXPECT_EQ(built->replayed_plain(), 0);
}

}  // namespace
}  // namespace lov::visits
