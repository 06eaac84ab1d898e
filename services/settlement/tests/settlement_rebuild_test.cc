// Settlement's Redis state is only a projection of Kafka: killed and wiped,
// the service rebuilds it from the registry, choice and visits topics and
// its own topic, and everything a user can ask for through the API is the
// same as before, byte for byte. Applying every event once more over that
// state (what the consumer group does when it rejoins and re-reads from its
// last committed offsets) changes nothing either. The month approved before
// the crash stays approved, and a correction still pending for the next
// month is booked there exactly once.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/settlement/tests/settlement_test_support.h"
#include "lov/settlement/v1/events.pb.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::Stack;

class SettlementRebuildTest : public test_support::SettlementFixture {
 protected:
  // One API answer: its deterministic bytes (compared) and its text form
  // (shown when they differ).
  struct Answer {
    std::string bytes;
    std::string text;
    bool operator==(const Answer& o) const { return bytes == o.bytes; }
  };
  using State = std::map<std::string, Answer>;

  // Everything a user can query, one labelled answer each. Approved
  // statements come back as approved (approved_at is the approval's, which
  // must survive the rebuild unchanged, so nothing is cleared); previews
  // carry no time at all.
  State Snapshot() {
    State out;
    auto put = [&](const std::string& name, const grpc::Status& s,
                   const google::protobuf::Message& m) {
      EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
      out[name] = {SerializeDeterministic(m), m.DebugString()};
    };
    {
      v1::ListRateTablesResponse r;
      put("ListRateTables",
          Call(&v1::SettlementService::Stub::ListRateTables,
               v1::ListRateTablesRequest(), &r),
          r);
    }
    for (const char* provider : {"prv-a", "prv-egen"}) {
      for (const char* period : {"2024-01", "2024-02"}) {
        grpc::Status s;
        v1::Statement st = Get(provider, period, &s);
        put(absl::StrCat("GetStatement ", provider, " ", period), s, st);
      }
      // A preview is a read; its lines and totals are compared.
      v1::PreviewStatementRequest req;
      req.set_provider_id(provider);
      req.set_period("2024-02");
      v1::Statement preview;
      put(absl::StrCat("PreviewStatement ", provider, " 2024-02"),
          Call(&v1::SettlementService::Stub::PreviewStatement, req, &preview),
          preview);
    }
    for (auto format : {v1::EXPORT_FORMAT_CSV, v1::EXPORT_FORMAT_JSON}) {
      v1::ExportStatementRequest req;
      req.set_provider_id("prv-a");
      req.set_period("2024-01");
      req.set_format(format);
      v1::ExportStatementResponse r;
      put(absl::StrCat("ExportStatement prv-a 2024-01 ",
                       v1::ExportFormat_Name(format)),
          Call(&v1::SettlementService::Stub::ExportStatement, req, &r), r);
    }
    for (const char* period : {"2024-01", "2024-02"}) {
      for (const char* provider : {"", "prv-a"}) {
        v1::GetFollowUpRequest req;
        req.set_period(period);
        req.set_provider_id(provider);
        v1::FollowUp r;
        put(absl::StrCat("GetFollowUp ", period, " [", provider, "]"),
            Call(&v1::SettlementService::Stub::GetFollowUp, req, &r), r);
      }
    }
    return out;
  }

  void ExpectSameState(const State& before, const std::string& when) {
    const State after = Snapshot();
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [name, answer] : before) {
      EXPECT_TRUE(after.at(name) == answer)
          << name << " differs " << when << "\nbefore:\n"
          << answer.text << "after:\n"
          << after.at(name).text;
    }
  }

  // Deletes every key of the service's namespace in Redis.
  void WipeRedis() {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    auto keys = (*redis)->Command({"KEYS", ns_ + ":lov:settlement:*"});
    ASSERT_TRUE(keys.ok()) << keys.status();
    ASSERT_GT(keys->elements.size(), 0u);
    for (const auto& k : keys->elements) {
      ASSERT_TRUE((*redis)->Command({"DEL", k.str}).ok());
    }
    auto left = (*redis)->Command({"KEYS", ns_ + ":*"});
    ASSERT_TRUE(left.ok());
    ASSERT_EQ(left->elements.size(), 0u);
  }
};

TEST_F(SettlementRebuildTest,
       KilledAndWipedServiceRebuildsTheSameStateFromKafka) {
  ConfigureRates();
  PublishRegistry();
  PublishAssignment();
  const visits::v1::Visit r1 = PublishJanuaryVisits().care_r1;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    v1::Statement st = Get("prv-a", "2024-01", &s);
    v1::Statement egen = Get("prv-egen", "2024-01");
    return s.ok() && st.performed_seconds() == 3600 + 5400 + 3600 &&
           Sum(st, v1::LINE_KIND_LISTING_FEE) > 0 &&
           Sum(st, v1::LINE_KIND_ZONE_SUPPLEMENT) > 0 &&
           egen.performed_seconds() == 3600;
  })) << service_->Log();

  // January approved; a one-off paid in February.
  v1::Statement jan = Preview("prv-a", "2024-01");
  v1::Statement jan_approved;
  grpc::Status s = Approve(jan, &jan_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(jan_approved.total_ore(), 282520);
  v1::CreateOneOffPaymentRequest support;
  support.set_payment_id("transition-2024");
  support.set_description("Omställningsstöd 2024");
  support.set_total_ore(500'000'000);
  support.set_rule(v1::ONE_OFF_RULE_PERFORMED_HOURS);
  support.set_basis_period("2024-01");
  support.set_paid_in_period("2024-02");
  v1::OneOffPayment payment;
  s = Call(&v1::SettlementService::Stub::CreateOneOffPayment, support,
           &payment);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const int64_t share_a = 388'888'889;
  ASSERT_EQ(payment.shares_size(), 2);
  ASSERT_EQ(payment.shares(0).amount_ore(), share_a);

  // r1 corrected after January was locked: pending for February.
  PublishR1Correction(r1);
  const int64_t adjustment = 60000 / 2;
  const int64_t whole_month_listed = 19700;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement feb = Get("prv-a", "2024-02", &st);
    return st.ok() && feb.adjustment_ids_size() == 1;
  })) << service_->Log();
  v1::Statement feb = Preview("prv-a", "2024-02");
  ASSERT_EQ(feb.total_ore(), share_a + adjustment + whole_month_listed);
  ASSERT_EQ(feb.adjustment_ids_size(), 1);

  const State before = Snapshot();
  // Previewing again (which publishes an event) changes nothing visible.
  ExpectSameState(before, "after previewing again");
  ASSERT_FALSE(HasFailure());

  // Crash, lose all of Redis, start again: the state is rebuilt from the
  // topics before the service reports SERVING.
  service_->Kill();
  WipeRedis();
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  EXPECT_NE(service_->Log().find("state rebuilt"), std::string::npos)
      << service_->Log();
  ExpectSameState(before, "after the rebuild");

  // Every event applied again over that state: what the consumer group does
  // once it rejoins (after the killed member's session expires) and
  // re-reads from its last committed offsets, with the dedupe keys wiped;
  // and what a rebuild interrupted before it finished does on the next
  // start. Here: only the ready key is deleted, so the start replays all.
  service_->Kill();
  {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    ASSERT_TRUE((*redis)->Command({"DEL", ns_ + ":lov:settlement:ready"}).ok());
  }
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  ExpectSameState(before, "after applying every event again");

  // February approved after all that: the correction is booked once,
  // January is untouched and March does not repeat it.
  v1::Statement feb_again = Preview("prv-a", "2024-02");
  EXPECT_EQ(feb_again.digest(), feb.digest());
  v1::Statement feb_approved;
  s = Approve(feb_again, &feb_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(feb_approved.status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(feb_approved.total_ore(),
            share_a + adjustment + whole_month_listed);
  ASSERT_EQ(feb_approved.adjustment_ids_size(), 1);
  EXPECT_EQ(Sum(feb_approved, v1::LINE_KIND_ONE_OFF), share_a);
  int64_t adjusted = 0;
  for (const auto& l : feb_approved.lines()) {
    if (l.adjusts_period() == "2024-01") adjusted += l.amount_ore();
  }
  EXPECT_EQ(adjusted, adjustment);
  EXPECT_EQ(SerializeDeterministic(Get("prv-a", "2024-01")),
            SerializeDeterministic(jan_approved));
  v1::Statement mar = Preview("prv-a", "2024-03");
  EXPECT_EQ(mar.adjustment_ids_size(), 0);
  EXPECT_EQ(mar.total_ore(), whole_month_listed);

  // On the topic: January approved once, February once, one adjustment.
  // 6 events in all: rate table, listing rule, one-off, 2 approvals and the
  // adjustment (the 12 previews publish nothing: a preview is a read); and
  // before each approval the parts of its line sources (at most 64 bytes of
  // them each here) and of its fee basis.
  std::vector<CloudEvent> events =
      ReadEvents(ns_ + ".lov.settlement.events.v1", 1000, absl::Seconds(10));
  std::map<std::string, int> approvals, parts, announced, fee_parts,
      fee_announced;
  int adjustments = 0;
  for (const CloudEvent& e : events) {
    v1::SettlementEvent body;
    ASSERT_TRUE(body.ParseFromString(e.data));
    if (body.has_statement_sources_recorded()) {
      const auto& p = body.statement_sources_recorded();
      const std::string& id = p.statement_id();
      EXPECT_EQ(p.part(), ++parts[id]) << "parts in order";
      EXPECT_EQ(approvals[id], 0) << "parts come before the approval";
      size_t bytes = 0;
      for (const auto& l : p.lines()) {
        for (const auto& s : l.sources()) bytes += s.size();
      }
      EXPECT_LE(bytes, 64u);
    }
    if (body.has_fee_basis_recorded()) {
      const auto& f = body.fee_basis_recorded();
      EXPECT_EQ(f.part(), ++fee_parts[f.statement_id()]) << "in order";
      EXPECT_EQ(approvals[f.statement_id()], 0)
          << "fee basis parts come before the approval";
    }
    if (body.has_statement_approved()) {
      const auto& a = body.statement_approved();
      ++approvals[a.statement_id()];
      announced[a.statement_id()] = a.source_parts();
      fee_announced[a.statement_id()] = a.fee_basis_parts();
      for (const auto& l : a.statement().lines()) {
        EXPECT_EQ(l.sources_size(), 0) << "sources travel in the parts";
      }
    }
    if (body.has_adjustment_created()) {
      ++adjustments;
      EXPECT_EQ(body.adjustment_created().booked_in_period(), "2024-02");
      EXPECT_EQ(body.adjustment_created().net_ore(), adjustment);
    }
  }
  EXPECT_EQ(approvals["prv-a/2024-01"], 1);
  EXPECT_EQ(approvals["prv-a/2024-02"], 1);
  EXPECT_EQ(adjustments, 1);
  EXPECT_EQ(parts, announced);
  EXPECT_EQ(fee_parts, fee_announced);
  EXPECT_GE(parts["prv-a/2024-01"], 2) << "January's sources were split";
  int total_parts = 0;
  for (const auto& [id, n] : parts) total_parts += n;
  for (const auto& [id, n] : fee_parts) total_parts += n;
  EXPECT_EQ(events.size(), 6u + total_parts);
}

// The clients' decided support levels are in the decisions settlement
// keeps from the choice topic: killed and wiped, the service rebuilds them,
// and the month's preview is the same, byte for byte.
TEST_F(SettlementRebuildTest,
       DecidedSupportLevelsAreRebuiltFromTheChoiceTopic) {
  PublishRegistry();
  v1::AddRateTableRequest rates;
  *rates.mutable_table() = test_support::SupportLevelRates();
  v1::RateTable added;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::AddRateTable, rates, &added).ok());
  PublishLevelChangeOnThe16th();
  // 15 x 520 kr + 16 x 780 kr.
  const int64_t total = 780000 + 1248000;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.total_ore() == total;
  })) << service_->Log();
  const v1::Statement before = Preview("prv-a", "2024-01");
  ASSERT_EQ(before.lines_size(), 2);

  service_->Kill();
  WipeRedis();
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  EXPECT_NE(service_->Log().find("state rebuilt"), std::string::npos)
      << service_->Log();
  const v1::Statement after = Preview("prv-a", "2024-01");
  EXPECT_EQ(after.total_ore(), total);
  EXPECT_EQ(SerializeDeterministic(after), SerializeDeterministic(before))
      << "before:\n"
      << before.DebugString() << "after:\n"
      << after.DebugString();
}

// A support level revised from the 16th of an approved month (issue 18):
// January is approved at level 1, then choice's DecisionRevised (bb-1 ends
// on the 15th, bb-2 at level 2 from the 16th, the provider kept) arrives.
// February's statement books January's 16 days again as adjustment lines;
// the event delivered twice changes nothing, a killed and wiped service
// rebuilds the same preview from Kafka, and once February is approved
// March has nothing left to adjust.
TEST_F(SettlementRebuildTest, ALevelRevisedInAnApprovedMonthIsAdjustedNext) {
  PublishRegistry();
  v1::AddRateTableRequest rates;
  *rates.mutable_table() = test_support::SupportLevelRates();
  v1::RateTable added;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::AddRateTable, rates, &added).ok());
  auto started = test_support::Envelope<choice::v1::ChoiceEvent>("client-2");
  auto* a = started.mutable_assignment_started()->mutable_assignment();
  a->set_assignment_id("asg-2");
  a->set_client_id("client-2");
  a->set_provider_id("prv-a");
  a->set_zone_id("city");
  a->add_category_ids("daglig-verksamhet");
  a->set_valid_from("2024-01-01");
  choice::v1::Decision first =
      test_support::DailyActivities("bb-1", "2023-10-01", "niva-1");
  PublishDecision("client-2", first, false);
  PublishUpstream("lov.choice.events.v1", "/lov/choice", started);

  // January at level 1: 31 x 520 kr = 1 612 000 öre, approved.
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.total_ore() == 1612000;
  })) << service_->Log();
  v1::Statement jan_approved;
  grpc::Status s = Approve(Preview("prv-a", "2024-01"), &jan_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // The case officer revises the level from 16 January.
  auto revised = test_support::Envelope<choice::v1::ChoiceEvent>("client-2");
  revised.set_aggregate_version(3);
  auto* r = revised.mutable_decision_revised();
  r->set_client_id("client-2");
  first.set_valid_to("2024-01-15");
  *r->mutable_ended() = first;
  *r->mutable_decision() =
      test_support::DailyActivities("bb-2", "2024-01-16", "niva-2");
  PublishUpstream("lov.choice.events.v1", "/lov/choice", revised);

  // February: 29 x 780 kr = 2 262 000 öre; January's 16th-31st again:
  // -16 x 520 kr = -832 000 at level 1, +16 x 780 kr = 1 248 000 at level
  // 2, +416 000 in all. 2 678 000.
  const int64_t feb_total = 2262000 - 832000 + 1248000;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement feb = Get("prv-a", "2024-02", &st);
    return st.ok() && feb.total_ore() == feb_total;
  })) << service_->Log();
  const v1::Statement before = Preview("prv-a", "2024-02");
  ASSERT_EQ(before.lines_size(), 3) << before.DebugString();
  const v1::StatementLine& out = before.lines(1);
  EXPECT_EQ(out.adjusts_period(), "2024-01");
  EXPECT_EQ(out.kind(), v1::LINE_KIND_SUPPORT_LEVEL_DAY);
  EXPECT_EQ(out.quantity(), -16);
  EXPECT_EQ(out.amount_ore(), -832000);
  ASSERT_EQ(out.sources_size(), 1);
  EXPECT_EQ(out.sources(0), "-client-2:2024-01-16..2024-01-31");
  const v1::StatementLine& in = before.lines(2);
  EXPECT_EQ(in.adjusts_period(), "2024-01");
  EXPECT_EQ(in.quantity(), 16);
  EXPECT_EQ(in.amount_ore(), 1248000);
  ASSERT_EQ(in.sources_size(), 1);
  EXPECT_EQ(in.sources(0), "client-2:2024-01-16..2024-01-31");
  EXPECT_NE(in.description().find("level niva-2, decision bb-2, adjustment "
                                  "of 2024-01"),
            std::string::npos)
      << in.description();
  // January stays as approved.
  EXPECT_EQ(Get("prv-a", "2024-01", &s).total_ore(), 1612000);

  // Delivered again (same event id): nothing changes.
  PublishUpstream("lov.choice.events.v1", "/lov/choice", revised);
  EXPECT_EQ(SerializeDeterministic(Preview("prv-a", "2024-02")),
            SerializeDeterministic(before));

  service_->Kill();
  WipeRedis();
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  const v1::Statement after = Preview("prv-a", "2024-02");
  EXPECT_EQ(SerializeDeterministic(after), SerializeDeterministic(before))
      << "before:\n"
      << before.DebugString() << "after:\n"
      << after.DebugString();

  // February approved: March pays 31 x 780 kr = 2 418 000 öre, nothing
  // more.
  v1::Statement feb_approved;
  s = Approve(after, &feb_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::Statement march = Preview("prv-a", "2024-03");
  EXPECT_EQ(march.total_ore(), 2418000) << march.DebugString();
  for (const v1::StatementLine& l : march.lines()) {
    EXPECT_EQ(l.adjusts_period(), "") << l.DebugString();
  }
}

}  // namespace
}  // namespace lov::settlement
