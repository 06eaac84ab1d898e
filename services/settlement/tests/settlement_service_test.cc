// The settlement binary as a process against the real Kafka and Redis. The
// upstream services are not needed: the test publishes registry, choice and
// visits events on their namespaced topics as those services would, then
// previews and approves through gRPC, checks every total against a
// calculation written out here by hand, and reads settlement's own events
// back as an outside subscriber.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lov/settlement/tests/settlement_test_support.h"
#include "lov/settlement/v1/events.pb.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ReadEventsUntil;
using test_support::Rates;

class SettlementServiceTest : public test_support::SettlementFixture {};

TEST_F(SettlementServiceTest, MonthIsSettledApprovedAndCorrectedOnce) {
  ConfigureRates();
  PublishRegistry();
  PublishAssignment();
  const visits::v1::Visit v1_care = PublishJanuaryVisits().care_r1;

  // By hand, in öre.
  const int64_t care_evening_split = 51600 / 2 + 60000 / 2;  // 558.00
  const int64_t service_net = 41000 * 3 / 2;                 // 615.00
  const int64_t service_vat = service_net / 4;               // 153.75
  const int64_t weekend = 65000;                             // 650.00
  const int64_t second_staff = 65000;
  const int64_t rural_10_percent = 6500;
  const int64_t listing = 13345;  // 197 kr x 21 / 31 = 133.4516 kr
  const int64_t net = care_evening_split + service_net + weekend +
                      second_staff + rural_10_percent + listing;
  const int64_t total = net + service_vat;
  ASSERT_EQ(total, 282520);

  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    v1::Statement st = Get("prv-a", "2024-01", &s);
    return s.ok() && st.performed_seconds() == 3600 + 5400 + 3600 &&
           Sum(st, v1::LINE_KIND_LISTING_FEE) > 0 &&
           Sum(st, v1::LINE_KIND_ZONE_SUPPLEMENT) > 0;
  })) << service_->Log();

  v1::Statement jan = Preview("prv-a", "2024-01");
  EXPECT_EQ(jan.status(), v1::STATEMENT_STATUS_PREVIEW);
  EXPECT_EQ(jan.net_ore(), net);
  EXPECT_EQ(jan.vat_ore(), service_vat);
  EXPECT_EQ(jan.total_ore(), total);
  EXPECT_EQ(Sum(jan, v1::LINE_KIND_DOUBLE_STAFFING), second_staff);
  EXPECT_EQ(Sum(jan, v1::LINE_KIND_ZONE_SUPPLEMENT), rural_10_percent);
  EXPECT_EQ(Sum(jan, v1::LINE_KIND_LISTING_FEE), listing);
  bool traced = false;
  for (const auto& l : jan.lines()) {
    if (l.kind() == v1::LINE_KIND_PERFORMED_TIME &&
        l.band() == v1::BAND_EVENING) {
      traced = l.sources_size() == 1 && l.sources(0) == "prv-a/r1@1";
    }
  }
  EXPECT_TRUE(traced) << "the evening line names the visit behind it";

  v1::Statement approved;
  grpc::Status s = Approve(jan, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(approved.status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(approved.total_ore(), total);
  // Approving or previewing again changes nothing.
  v1::Statement again;
  ASSERT_TRUE(Approve(jan, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), approved.SerializeAsString());
  EXPECT_EQ(Preview("prv-a", "2024-01").SerializeAsString(),
            approved.SerializeAsString());
  // January is locked: no rate table may start inside it.
  v1::AddRateTableRequest late;
  *late.mutable_table() = Rates();
  late.mutable_table()->set_effective_date("2024-01-15");
  v1::RateTable table;
  s = Call(&v1::SettlementService::Stub::AddRateTable, late, &table);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // 5 MSEK transition support by January's performed hours: prv-a 3.5 h
  // (the absent visit does not count), prv-egen 1 h.
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
  const int64_t share_a = 388'888'889;  // 5e8 x 12600 / 16200, +1 öre leftover
  ASSERT_EQ(payment.shares_size(), 2);
  EXPECT_EQ(payment.shares(0).amount_ore(), share_a);
  EXPECT_EQ(payment.shares(1).amount_ore(), 500'000'000 - share_a);

  PublishR1Correction(v1_care);
  const int64_t adjustment = 60000 / 2;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement feb = Get("prv-a", "2024-02", &st);
    return st.ok() && feb.adjustment_ids_size() == 1;
  }));
  v1::Statement feb = Preview("prv-a", "2024-02");
  const int64_t whole_month_listed = 19700;  // the assignment is open-ended
  EXPECT_EQ(feb.total_ore(), share_a + adjustment + whole_month_listed);
  EXPECT_EQ(Sum(feb, v1::LINE_KIND_ONE_OFF), share_a);
  EXPECT_EQ(Get("prv-a", "2024-01").SerializeAsString(),
            approved.SerializeAsString());
  v1::Statement feb_approved;
  s = Approve(feb, &feb_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Shown once: March does not repeat it.
  v1::Statement mar = Preview("prv-a", "2024-03");
  EXPECT_EQ(mar.total_ore(), whole_month_listed);
  EXPECT_EQ(mar.adjustment_ids_size(), 0);

  // Exports: the CSV amount column adds up to the approved total.
  v1::ExportStatementRequest ex;
  ex.set_provider_id("prv-a");
  ex.set_period("2024-01");
  ex.set_format(v1::EXPORT_FORMAT_CSV);
  v1::ExportStatementResponse csv;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::ExportStatement, ex, &csv).ok());
  int64_t csv_sum = 0;
  std::vector<std::string> rows =
      absl::StrSplit(csv.content(), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), static_cast<size_t>(approved.lines_size() + 1));
  for (size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> cells = absl::StrSplit(rows[i], ',');
    int64_t amount = 0;
    ASSERT_TRUE(absl::SimpleAtoi(cells[15], &amount)) << rows[i];
    csv_sum += amount;
  }
  EXPECT_EQ(csv_sum, total);
  ex.set_format(v1::EXPORT_FORMAT_JSON);
  v1::ExportStatementResponse json;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::ExportStatement, ex, &json).ok());
  EXPECT_NE(json.content().find("\"total_ore\":282520"), std::string::npos);
  EXPECT_NE(json.content().find("\"status\":\"APPROVED\""), std::string::npos);

  // Follow-up: private share of January's hours is 3.5 h of 4.5 h.
  v1::GetFollowUpRequest fu;
  fu.set_period("2024-01");
  v1::FollowUp follow_up;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::GetFollowUp, fu, &follow_up).ok());
  EXPECT_EQ(follow_up.private_seconds(), 12600);
  EXPECT_EQ(follow_up.in_house_seconds(), 3600);
  EXPECT_EQ(follow_up.private_share_bp(), 7778);  // 77.78 %
  EXPECT_EQ(follow_up.total_ore(), net + 48500);
  EXPECT_EQ(follow_up.year_earlier_period(), "2023-01");
  EXPECT_EQ(follow_up.year_earlier_total_ore(), 0);

  // Settlement's own events, as a finance system would read them.
  std::vector<CloudEvent> events = ReadEventsUntil(
      ns_ + ".lov.settlement.events.v1",
      [](const std::vector<CloudEvent>& read) {
        int approvals = 0, adjustments = 0;
        for (const CloudEvent& e : read) {
          approvals += e.type == "se.lov.settlement.v1.StatementApproved";
          adjustments += e.type == "se.lov.settlement.v1.AdjustmentCreated";
        }
        return approvals >= 2 && adjustments >= 1;
      });
  std::map<std::string, int> types;
  for (const CloudEvent& e : events) {
    ++types[e.type];
    v1::SettlementEvent body;
    ASSERT_TRUE(body.ParseFromString(e.data));
    if (body.has_statement_approved() &&
        body.statement_approved().period() == "2024-01") {
      EXPECT_EQ(e.key, "prv-a/2024-01");
      EXPECT_EQ(body.statement_approved().total_ore(), total);
    }
    if (body.has_adjustment_created()) {
      EXPECT_EQ(body.adjustment_created().adjusts_period(), "2024-01");
      EXPECT_EQ(body.adjustment_created().booked_in_period(), "2024-02");
      EXPECT_EQ(body.adjustment_created().net_ore(), adjustment);
    }
  }
  // Previews are reads: none is published (SettlementPreviewsPublishNothing
  // reads the statement's partition to its end).
  EXPECT_EQ(types["se.lov.settlement.v1.StatementPreviewed"], 0);
  EXPECT_EQ(types["se.lov.settlement.v1.StatementApproved"], 2);
  EXPECT_EQ(types["se.lov.settlement.v1.AdjustmentCreated"], 1);
}

// The command applies its own events and the state projection applies them
// again from Kafka: approving many statements (each in several sources
// parts) leaves nothing on the dead-letter topic and every statement stored
// as approved with its sources.
TEST_F(SettlementServiceTest, ApprovalsOfManyStatementsDeadLetterNothing) {
  ConfigureRates();
  PublishRegistry();
  PublishAssignment();
  PublishJanuaryVisits();
  const std::vector<std::string> providers = {"prv-a", "prv-egen"};
  const std::vector<std::string> months = {"2024-02", "2024-03", "2024-04"};
  for (const std::string& month : months) {
    for (const std::string& provider : providers) {
      // The 15th at 09:00-10:00 local (CET): a weekday in each month.
      visits::v1::Visit v = test_support::Visit(
          provider, "m" + month, "personal-care", month + "-15T08:00:00Z",
          month + "-15T09:00:00Z", "city");
      v.set_period(month);
      PublishAccepted(v);
    }
  }
  for (const std::string& month : months) {
    for (const std::string& provider : providers) {
      ASSERT_TRUE(Eventually([&] {
        grpc::Status s;
        return Get(provider, month, &s).performed_seconds() == 3600;
      })) << provider
          << " " << month;
    }
  }

  std::vector<v1::Statement> approved;
  for (const std::string& month :
       std::vector<std::string>{"2024-01", "2024-02", "2024-03", "2024-04"}) {
    for (const std::string& provider : providers) {
      v1::Statement out;
      grpc::Status s = Approve(Preview(provider, month), &out);
      ASSERT_TRUE(s.ok()) << provider << " " << month << ": "
                          << s.error_message();
      approved.push_back(out);
    }
  }

  ASSERT_TRUE(StateConsumerCaughtUp()) << service_->Log();
  EXPECT_EQ(StateConsumerGauge("lov_events_dead_lettered_total"), 0);
  std::vector<CloudEvent> dead = DeadLettered();
  EXPECT_TRUE(dead.empty())
      << dead.size() << " dead-lettered, the first: " << dead[0].type << " "
      << dead[0].Header("dlq_error");
  for (const v1::Statement& a : approved) {
    EXPECT_EQ(a.status(), v1::STATEMENT_STATUS_APPROVED);
    EXPECT_EQ(Get(a.provider_id(), a.period()).SerializeAsString(),
              a.SerializeAsString())
        << a.statement_id();
    bool traced = false;
    for (const auto& l : a.lines()) {
      if (l.kind() == v1::LINE_KIND_PERFORMED_TIME) {
        traced = l.sources_size() > 0;
      }
    }
    EXPECT_TRUE(traced) << a.statement_id() << ": sources joined back";
  }
}

// January of prv-a settled as far as its visits go, ready for approval.
class SettlementApprovalTest : public test_support::SettlementFixture {
 protected:
  v1::Statement JanuaryPreview() {
    ConfigureRates();
    PublishRegistry();
    PublishAssignment();
    PublishJanuaryVisits();
    EXPECT_TRUE(Eventually([&] {
      grpc::Status s;
      return Get("prv-a", "2024-01", &s).performed_seconds() ==
             3600 + 5400 + 3600;
    })) << service_->Log();
    return Preview("prv-a", "2024-01");
  }
};

// Two controllers approve the same statement at the same moment (each with
// its own request id): one StatementApproved reaches Kafka, and both are
// answered with that approval. A retry of either gets it again.
TEST_F(SettlementApprovalTest, ConcurrentApprovalsPublishOneApproval) {
  const v1::Statement preview = JanuaryPreview();
  const std::array<std::string, 2> request_ids = {NewUuid(), NewUuid()};
  std::array<v1::Statement, 2> answers;
  std::array<grpc::Status, 2> statuses;
  std::vector<std::thread> controllers;
  for (size_t i = 0; i < 2; ++i) {
    controllers.emplace_back([&, i] {
      statuses[i] = Approve(preview, &answers[i], request_ids[i]);
    });
  }
  for (std::thread& t : controllers) t.join();
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(answers[i].status(), v1::STATEMENT_STATUS_APPROVED);
    EXPECT_EQ(answers[i].digest(), preview.digest());
  }
  EXPECT_EQ(answers[0].SerializeAsString(), answers[1].SerializeAsString())
      << "both name the same approval (same approved_at)";
  v1::Statement retried;
  ASSERT_TRUE(Approve(preview, &retried, request_ids[1]).ok());
  EXPECT_EQ(retried.SerializeAsString(), answers[0].SerializeAsString());

  int approvals = 0;
  for (const CloudEvent& e : SettlementEventsKeyed("prv-a/2024-01")) {
    v1::SettlementEvent body;
    ASSERT_TRUE(body.ParseFromString(e.data));
    if (!body.has_statement_approved()) continue;
    ++approvals;
    EXPECT_EQ(body.statement_approved().digest(), preview.digest());
  }
  EXPECT_EQ(approvals, 1);
}

// A preview is a read: previewing (again and again, as a dashboard polls)
// leaves the settlement topic as it was.
TEST_F(SettlementApprovalTest, SettlementPreviewsPublishNothing) {
  const v1::Statement first = JanuaryPreview();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Preview("prv-a", "2024-01").digest(), first.digest());
  }
  std::vector<CloudEvent> events = SettlementEventsKeyed("prv-a/2024-01");
  EXPECT_TRUE(events.empty())
      << events.size() << " events, the first: " << events[0].type;
}

TEST_F(SettlementServiceTest, BadRequestsNameTheFieldAndRule) {
  v1::AddRateTableRequest rates;
  *rates.mutable_table() = Rates();
  rates.mutable_table()
      ->mutable_categories(0)
      ->mutable_band_rates()
      ->RemoveLast();
  v1::RateTable table;
  grpc::Status s =
      Call(&v1::SettlementService::Stub::AddRateTable, rates, &table);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("BAND_HOLIDAY"), std::string::npos);

  v1::PreviewStatementRequest bad_period;
  bad_period.set_provider_id("prv-a");
  bad_period.set_period("2024-1");
  v1::Statement out;
  s = Call(&v1::SettlementService::Stub::PreviewStatement, bad_period, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("period"), std::string::npos);

  v1::ApproveStatementRequest no_digest;
  no_digest.set_provider_id("prv-a");
  no_digest.set_period("2024-01");
  s = Call(&v1::SettlementService::Stub::ApproveStatement, no_digest, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("expected_digest"), std::string::npos);
}

}  // namespace
}  // namespace lov::settlement
