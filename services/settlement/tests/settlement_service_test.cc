// The settlement binary as a process against the real Kafka and Redis. The
// upstream services are not needed: the test publishes registry, choice and
// visits events on their namespaced topics as those services would, then
// previews and approves through gRPC, checks every total against a
// calculation written out here by hand, and reads settlement's own events
// back as an outside subscriber.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;

// Rates of the test, in öre: personal care 516 kr/h by day, 600 evening,
// 650 weekend (private); 485 by day in-house. Service 410 kr/h + 25 % VAT.
// Home nursing: listing fee 197 kr a month. Rural zones +10 %. Double
// staffing pays twice.
v1::RateTable Rates() {
  v1::RateTable t;
  t.set_effective_date("2024-01-01");
  t.mutable_bands()->set_day_start_minute(7 * 60);
  t.mutable_bands()->set_evening_start_minute(18 * 60);
  t.mutable_bands()->set_night_start_minute(22 * 60);
  auto add = [&](const std::string& id, v1::PaymentModel model,
                 std::array<int64_t, 5> priv, std::array<int64_t, 5> own) {
    v1::CategoryRate* c = t.add_categories();
    c->set_category_id(id);
    c->set_model(model);
    int i = 0;
    for (v1::Band b : {v1::BAND_DAY, v1::BAND_EVENING, v1::BAND_NIGHT,
                       v1::BAND_WEEKEND, v1::BAND_HOLIDAY}) {
      v1::BandRate* r = c->add_band_rates();
      r->set_band(b);
      r->set_private_ore(priv[i]);
      r->set_in_house_ore(own[i++]);
    }
    return c;
  };
  v1::CategoryRate* care = add(
      "personal-care", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {51600, 60000, 70000, 65000, 80000}, {48500, 56000, 66000, 61000, 75000});
  care->set_double_staffing_basis_points(20000);
  v1::ZoneSupplement* rural = care->add_zone_supplements();
  rural->set_area(v1::ZONE_AREA_RURAL);
  rural->set_basis_points(1000);
  add("service", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {41000, 45000, 50000, 48000, 55000}, {39000, 43000, 48000, 46000, 53000})
      ->set_vat_basis_points(2500);
  v1::CategoryRate* nursing = add("home-nursing", v1::PAYMENT_MODEL_PER_VISIT,
                                  {26000, 26000, 24500, 30000, 35000},
                                  {24500, 24500, 23000, 28000, 33000});
  nursing->set_listing_fee_private_ore(19700);
  nursing->set_listing_fee_in_house_ore(18500);
  return t;
}

visits::v1::Visit Visit(const std::string& provider, const std::string& id,
                        const std::string& category, const std::string& start,
                        const std::string& end, const std::string& zone) {
  visits::v1::Visit v;
  v.set_visit_id(provider + "/" + id);
  v.set_report_id(id);
  v.set_provider_id(provider);
  v.set_client_id("client-1");
  v.set_category_id(category);
  *v.mutable_start() = ToProtoTime(*ParseRfc3339(start));
  *v.mutable_end() = ToProtoTime(*ParseRfc3339(end));
  v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
  v.set_zone_id(zone);
  v.set_period("2024-01");
  v.set_version(1);
  return v;
}

template <typename Event>
Event Envelope(const std::string& aggregate) {
  Event e;
  e.set_event_id(NewUuid());
  *e.mutable_occurred_at() = ToProtoTime(absl::Now());
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(1);
  return e;
}

class SettlementServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    service_ = std::make_unique<ServiceProcess>(
        "services/settlement/settlement",
        std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    stub_ = v1::SettlementService::NewStub(grpc::CreateChannel(
        service_->target(), grpc::InsecureChannelCredentials()));
    auto producer = EventProducer::Create(Stack().kafka("upstream"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::SettlementService::Stub::*method)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return ((*stub_).*method)(&ctx, req, resp);
  }

  void PublishUpstream(const std::string& topic, const std::string& source,
                       const google::protobuf::Message& event) {
    ASSERT_TRUE(
        producer_->Publish(ns_ + "." + topic, ToCloudEvent(event, source))
            .ok());
  }

  void PublishRegistry() {
    auto m = Envelope<registry::v1::RegistryEvent>("municipality");
    auto* muni = m.mutable_municipality_configured()->mutable_municipality();
    muni->set_municipality_id("0188");
    auto* city = muni->add_zones();
    city->set_zone_id("city");
    city->set_area_type(registry::v1::AREA_TYPE_URBAN);
    auto* north = muni->add_zones();
    north->set_zone_id("north");
    north->set_area_type(registry::v1::AREA_TYPE_RURAL);
    PublishUpstream("lov.registry.events.v1", "/lov/registry", m);
    for (auto [id, kind] :
         {std::pair{"prv-a", registry::v1::PROVIDER_KIND_PRIVATE},
          std::pair{"prv-egen", registry::v1::PROVIDER_KIND_IN_HOUSE}}) {
      auto p = Envelope<registry::v1::RegistryEvent>(id);
      auto* provider = p.mutable_provider_registered()->mutable_provider();
      provider->set_provider_id(id);
      provider->set_kind(kind);
      PublishUpstream("lov.registry.events.v1", "/lov/registry", p);
    }
  }

  void PublishAssignment() {
    auto e = Envelope<choice::v1::ChoiceEvent>("client-1");
    auto* a = e.mutable_assignment_started()->mutable_assignment();
    a->set_assignment_id("asg-1");
    a->set_client_id("client-1");
    a->set_provider_id("prv-a");
    a->set_zone_id("north");
    a->add_category_ids("home-nursing");
    a->set_valid_from("2024-01-11");  // 21 of January's 31 days
    PublishUpstream("lov.choice.events.v1", "/lov/choice", e);
  }

  void PublishAccepted(const visits::v1::Visit& v) {
    auto e = Envelope<visits::v1::VisitEvent>(v.visit_id());
    *e.mutable_visit_accepted()->mutable_visit() = v;
    PublishUpstream("lov.visits.events.v1", "/lov/visits", e);
  }

  v1::Statement Get(const std::string& provider, const std::string& period,
                    grpc::Status* status = nullptr) {
    v1::GetStatementRequest req;
    req.set_provider_id(provider);
    req.set_period(period);
    v1::Statement out;
    grpc::Status s =
        Call(&v1::SettlementService::Stub::GetStatement, req, &out);
    if (status) *status = s;
    return out;
  }

  v1::Statement Preview(const std::string& provider,
                        const std::string& period) {
    v1::PreviewStatementRequest req;
    req.set_provider_id(provider);
    req.set_period(period);
    v1::Statement out;
    grpc::Status s =
        Call(&v1::SettlementService::Stub::PreviewStatement, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Approve(const v1::Statement& preview, v1::Statement* out) {
    v1::ApproveStatementRequest req;
    req.set_provider_id(preview.provider_id());
    req.set_period(preview.period());
    req.set_expected_digest(preview.digest());
    req.set_approved_by("controller-1");
    return Call(&v1::SettlementService::Stub::ApproveStatement, req, out);
  }

  static int64_t Sum(const v1::Statement& s, v1::LineKind kind) {
    int64_t sum = 0;
    for (const auto& l : s.lines()) {
      if (l.kind() == kind) sum += l.amount_ore();
    }
    return sum;
  }

  std::string ns_;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<v1::SettlementService::Stub> stub_;
  std::unique_ptr<EventProducer> producer_;
};

TEST_F(SettlementServiceTest, MonthIsSettledApprovedAndCorrectedOnce) {
  v1::AddRateTableRequest rates;
  *rates.mutable_table() = Rates();
  v1::RateTable table;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::AddRateTable, rates, &table).ok());
  v1::SetListingRuleRequest rule;
  rule.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  v1::ListingRule rule_out;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::SetListingRule, rule, &rule_out).ok());

  PublishRegistry();
  PublishAssignment();
  // Wed 17 Jan 17:30-18:30 local (CET): half day, half evening.
  visits::v1::Visit v1_care =
      Visit("prv-a", "r1", "personal-care", "2024-01-17T16:30:00Z",
            "2024-01-17T17:30:00Z", "city");
  PublishAccepted(v1_care);
  // Thu 18 Jan 09:00-10:30: 1.5 h of service, with VAT.
  PublishAccepted(Visit("prv-a", "r2", "service", "2024-01-18T08:00:00Z",
                        "2024-01-18T09:30:00Z", "city"));
  // Sat 20 Jan 10:00-11:00 in the rural zone, two staff.
  visits::v1::Visit rural =
      Visit("prv-a", "r3", "personal-care", "2024-01-20T09:00:00Z",
            "2024-01-20T10:00:00Z", "north");
  rural.set_double_staffing(true);
  PublishAccepted(rural);
  // Client not at home: not paid.
  visits::v1::Visit absent =
      Visit("prv-a", "r4", "personal-care", "2024-01-19T08:00:00Z",
            "2024-01-19T09:00:00Z", "city");
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  PublishAccepted(absent);
  // The in-house provider: Mon 22 Jan 09:00-10:00.
  PublishAccepted(Visit("prv-egen", "e1", "personal-care",
                        "2024-01-22T08:00:00Z", "2024-01-22T09:00:00Z",
                        "city"));

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
  v1::AddRateTableRequest late = rates;
  late.mutable_table()->set_effective_date("2024-01-15");
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

  // The visits service corrects r1 after January was locked: it ended at
  // 19:00, half an hour of evening more, booked in February.
  visits::v1::Visit corrected = v1_care;
  *corrected.mutable_end() = ToProtoTime(*ParseRfc3339("2024-01-17T18:00:00Z"));
  corrected.set_version(2);
  corrected.set_period("2024-02");
  auto fix = Envelope<visits::v1::VisitEvent>(corrected.visit_id());
  *fix.mutable_visit_corrected()->mutable_visit() = corrected;
  *fix.mutable_visit_corrected()->mutable_previous() = v1_care;
  fix.mutable_visit_corrected()->set_adjusts_period("2024-01");
  PublishUpstream("lov.visits.events.v1", "/lov/visits", fix);
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
  std::vector<CloudEvent> events =
      ReadEvents(ns_ + ".lov.settlement.events.v1", 9);
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
  EXPECT_EQ(types["se.lov.settlement.v1.StatementPreviewed"], 3);
  EXPECT_EQ(types["se.lov.settlement.v1.StatementApproved"], 2);
  EXPECT_EQ(types["se.lov.settlement.v1.AdjustmentCreated"], 1);
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
