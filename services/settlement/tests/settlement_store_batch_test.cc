// RedisSettlementStore's batch reads and writes (redis_projection_batch.cc)
// on the real Redis of the ctest stack, against the same reads and writes
// made one call each (OneCallEach) on a store of their own prefix: the
// merged commands leave the same state and answer the same facts.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/settlement/adapters/redis_settlement_store.h"
#include "lov/settlement/batch_ports.h"
#include "lov/settlement/domain/period.h"
#include "test_stack.h"

namespace lov::settlement {
namespace {

using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

constexpr char kProvider[] = "prv-batch";

// The value of `s` (a copy the caller's loop can hold on to).
template <typename T>
T Got(absl::StatusOr<T> s) {
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : T();
}

visits::v1::Visit Visit(const std::string& id, int64_t version,
                        const std::string& period) {
  visits::v1::Visit v;
  v.set_visit_id(id);
  v.set_version(version);
  v.set_provider_id(kProvider);
  v.set_period(period);
  return v;
}

visits::v1::VisitEvent Accepted(const std::string& event_id,
                                const visits::v1::Visit& v) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_accepted()->mutable_visit() = v;
  return e;
}

class SettlementStoreBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    batched_ =
        std::make_unique<RedisSettlementStore>(redis_.get(), batched_prefix_);
    one_by_one_ = std::make_unique<RedisSettlementStore>(
        redis_.get(), UniqueName("it:settlement-each"));
  }

  // What the projection keeps, as text, to compare two stores.
  static std::string Dump(RedisSettlementStore& s) {
    std::string out;
    for (const std::string& period : {"2024-01", "2024-02"}) {
      for (const auto& v : Got(s.Visits(kProvider, period))) {
        absl::StrAppend(&out, "visit ", period, " ", v.visit_id(), "@",
                        v.version(), "\n");
      }
      for (const auto& e : Got(s.LoggedVisitEvents(kProvider, period))) {
        absl::StrAppend(&out, "log ", period, " ", e.event_id(), "\n");
      }
      for (const std::string& id : {"e-1", "e-2", "e-3", "e-4"}) {
        if (*s.VisitEventApplied(kProvider, period, id)) {
          absl::StrAppend(&out, "applied ", period, " ", id, "\n");
        }
      }
    }
    for (const auto& e : Got(s.Adjustments(kProvider))) {
      absl::StrAppend(&out, "adjustment ", e.ShortDebugString(), "\n");
    }
    for (const std::string& provider : {kProvider, "prv-other"}) {
      for (const auto& a : Got(s.Assignments(provider))) {
        absl::StrAppend(&out, "assignment ", a.ShortDebugString(), "\n");
      }
    }
    for (const auto& [client, decisions] :
         Got(s.Decisions({"cli-1", "cli-2"}))) {
      for (const auto& d : decisions) {
        absl::StrAppend(&out, "decision ", client, " ", d.ShortDebugString(),
                        "\n");
      }
    }
    for (const std::string& p : Got(s.Providers())) {
      absl::StrAppend(&out, "provider ", p, "\n");
    }
    return out;
  }

  std::unique_ptr<RedisClient> redis_;
  const std::string batched_prefix_ = UniqueName("it:settlement-batch");
  std::unique_ptr<RedisSettlementStore> batched_, one_by_one_;
};

TEST_F(SettlementStoreBatchTest, MergedWritesLeaveWhatOneCallEachLeaves) {
  choice::v1::Assignment a1;
  a1.set_assignment_id("a-1");
  a1.set_provider_id(kProvider);
  a1.set_client_id("cli-1");
  choice::v1::Assignment a1_ended = a1;
  a1_ended.set_valid_to("2024-01-31");
  choice::v1::Assignment a2 = a1;
  a2.set_assignment_id("a-2");
  a2.set_provider_id("prv-other");
  choice::v1::Decision d;
  d.set_decision_id("d-1");
  visits::v1::VisitEvent late = Accepted("e-4", Visit("v-3", 1, "2024-01"));
  const std::vector<StoreWrite> writes = {
      store_write::LogVisitEvent{kProvider, "2024-01",
                                 Accepted("e-1", Visit("v-1", 1, "2024-01"))},
      store_write::PutVisit{Visit("v-1", 1, "2024-01")},
      store_write::MarkVisitEventApplied{kProvider, "2024-01", "e-1"},
      store_write::PutVisit{Visit("v-2", 1, "2024-01")},
      // v-1 moved to February, then v-2 voided and reported again.
      store_write::RemoveVisit{kProvider, "2024-01", "v-1"},
      store_write::PutVisit{Visit("v-1", 2, "2024-02")},
      store_write::MarkVisitEventApplied{kProvider, "2024-01", "e-2"},
      store_write::RemoveVisit{kProvider, "2024-01", "v-2"},
      store_write::PutVisit{Visit("v-2", 3, "2024-01")},
      store_write::MarkVisitEventApplied{kProvider, "2024-01", "e-3"},
      store_write::MarkVisitEventApplied{kProvider, "2024-02", "e-4"},
      store_write::PutAdjustment{kProvider, late},
      store_write::PutAssignment{a1},
      store_write::PutAssignment{a1_ended},
      store_write::PutAssignment{a2},
      store_write::PutDecision{"cli-1", d},
  };
  ASSERT_TRUE(batched_->ApplyWrites(writes).ok());
  ASSERT_TRUE(OneCallEach(one_by_one_.get())->ApplyWrites(writes).ok());
  const std::string expected = Dump(*one_by_one_);
  EXPECT_EQ(Dump(*batched_), expected);
  // And what that is, so that two wrong answers cannot agree.
  EXPECT_NE(expected.find("visit 2024-01 v-2@3\nlog 2024-01 e-1\n"),
            std::string::npos)
      << expected;
  EXPECT_NE(expected.find("visit 2024-02 v-1@2\n"), std::string::npos);
  EXPECT_EQ(expected.find("visit 2024-01 v-1@"), std::string::npos);
  EXPECT_NE(expected.find("applied 2024-01 e-3\n"), std::string::npos);
  EXPECT_NE(expected.find("applied 2024-02 e-4\n"), std::string::npos);
  EXPECT_NE(expected.find("valid_to: \"2024-01-31\""), std::string::npos);
  EXPECT_NE(expected.find("provider prv-other\n"), std::string::npos);
  // Nothing to write is no call.
  EXPECT_TRUE(batched_->ApplyWrites({}).ok());
}

TEST_F(SettlementStoreBatchTest, MergedReadsAnswerWhatOneCallEachAnswers) {
  RedisSettlementStore& s = *batched_;
  // January approved with its inputs; February open.
  MonthInputs inputs;
  inputs["v-1"] = {1, true};
  inputs["v-2"] = {2, false};
  ASSERT_TRUE(s.PutApprovedInputs(kProvider, "2024-01", inputs).ok());
  v1::Statement january;
  january.set_statement_id(StatementId(kProvider, "2024-01"));
  january.set_provider_id(kProvider);
  january.set_period("2024-01");
  ASSERT_TRUE(s.PutApproved(january).ok());
  ASSERT_TRUE(s.MarkVisitEventApplied(kProvider, "2024-02", "e-9").ok());
  const std::vector<VisitEventQuestion> questions = {
      {kProvider, "2024-01", "e-1", "v-1", "2024-01"},
      {kProvider, "2024-01", "e-2", "v-2", ""},
      {kProvider, "2024-01", "e-3", "v-3", "2024-02"},
      {kProvider, "2024-02", "e-9", "v-4", "2024-02"},
      {kProvider, "2024-02", "e-8", "v-4", "2024-01"},
      {kProvider, "2024-01", "e-1", "v-1", "2024-01"},  // asked twice
  };
  absl::StatusOr<std::vector<VisitEventFacts>> merged =
      s.VisitEventFactsOf(questions);
  ASSERT_TRUE(merged.ok()) << merged.status();
  absl::StatusOr<std::vector<VisitEventFacts>> each =
      OneCallEach(&s)->VisitEventFactsOf(questions);
  ASSERT_TRUE(each.ok()) << each.status();
  ASSERT_EQ(merged->size(), questions.size());
  ASSERT_EQ(each->size(), questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("question ", i));
    const VisitEventFacts& m = (*merged)[i];
    const VisitEventFacts& e = (*each)[i];
    EXPECT_EQ(m.applied, e.applied);
    EXPECT_EQ(m.inputs.recorded, e.inputs.recorded);
    EXPECT_EQ(m.inputs.states, e.inputs.states);
    EXPECT_EQ(m.home_approved, e.home_approved);
    EXPECT_EQ(m.current_approved, e.current_approved);
  }
  // The answers themselves.
  EXPECT_TRUE((*merged)[0].inputs.recorded);
  EXPECT_EQ((*merged)[0].inputs.states.at("v-1"), (VisitState{1, true}));
  EXPECT_EQ((*merged)[1].inputs.states.at("v-2"), (VisitState{2, false}));
  EXPECT_TRUE((*merged)[2].inputs.states.empty());
  EXPECT_TRUE((*merged)[2].home_approved);
  EXPECT_FALSE((*merged)[2].current_approved);
  EXPECT_TRUE((*merged)[3].applied);
  EXPECT_FALSE((*merged)[3].inputs.recorded);
  EXPECT_FALSE((*merged)[4].applied);
  EXPECT_TRUE((*merged)[4].current_approved);

  absl::StatusOr<std::vector<bool>> recorded =
      s.InputsRecorded({{kProvider, "2024-01"}, {kProvider, "2024-02"}});
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(*recorded, (std::vector<bool>{true, false}));
}

// Visits reads a provider-month in one HGETALL, sorted and parsed in place
// (docs/performance.md "Settlement through the service"): the same visits,
// in visit id order, as reading each stored id with its own HGET, for a
// month written by the projection's batch (ApplyWrites, as a rebuild writes
// it) and one call each, with a corrected and a cancelled visit.
TEST_F(SettlementStoreBatchTest, VisitsReadsTheMonthAsOneHgetPerVisitDoes) {
  std::vector<StoreWrite> writes;
  std::vector<std::string> ids;
  // Ids out of their text order, of different lengths (v-10 < v-9).
  for (int i = 0; i < 300; ++i) {
    const int n = (i * 7919) % 300;
    ids.push_back(absl::StrCat("v-", n));
    visits::v1::Visit v = Visit(ids.back(), 1, "2024-01");
    v.set_client_id(absl::StrCat("cli-", n % 17));
    writes.push_back(store_write::PutVisit{v});
  }
  visits::v1::Visit corrected = Visit("v-7", 2, "2024-01");
  corrected.set_client_id("cli-corrected");
  writes.push_back(store_write::PutVisit{corrected});
  writes.push_back(store_write::RemoveVisit{kProvider, "2024-01", "v-13"});
  ASSERT_TRUE(batched_->ApplyWrites(writes).ok());
  for (const StoreWrite& w : writes) {
    if (const auto* put = std::get_if<store_write::PutVisit>(&w)) {
      ASSERT_TRUE(one_by_one_->PutVisit(put->visit).ok());
    } else {
      ASSERT_TRUE(one_by_one_->RemoveVisit(kProvider, "2024-01", "v-13").ok());
    }
  }

  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected;
  for (const std::string& id : ids) {
    absl::StatusOr<RedisReply> r = redis_->Command(
        {"HGET", batched_prefix_ + ":visits:" + kProvider + ":2024-01", id});
    ASSERT_TRUE(r.ok()) << r.status();
    if (r->is_nil()) continue;
    visits::v1::Visit v;
    ASSERT_TRUE(v.ParseFromString(r->str)) << id;
    expected.push_back(v.ShortDebugString());
  }
  ASSERT_EQ(expected.size(), 299u);
  for (RedisSettlementStore* s : {batched_.get(), one_by_one_.get()}) {
    std::vector<std::string> got;
    for (const auto& v : Got(s->Visits(kProvider, "2024-01"))) {
      got.push_back(v.ShortDebugString());
    }
    EXPECT_EQ(got, expected);
  }
  const std::vector<visits::v1::Visit> month =
      Got(batched_->Visits(kProvider, "2024-01"));
  ASSERT_EQ(month.size(), 299u);
  EXPECT_EQ(month[0].visit_id(), "v-0");
  EXPECT_EQ(month[1].visit_id(), "v-1");
  EXPECT_EQ(month[2].visit_id(), "v-10");
  const auto v7 = std::find_if(month.begin(), month.end(), [](const auto& v) {
    return v.visit_id() == "v-7";
  });
  ASSERT_NE(v7, month.end());
  EXPECT_EQ(v7->version(), 2);
  EXPECT_EQ(v7->client_id(), "cli-corrected");
  EXPECT_TRUE(std::none_of(month.begin(), month.end(), [](const auto& v) {
    return v.visit_id() == "v-13";
  }));
}

}  // namespace
}  // namespace lov::settlement
