// Area types and a per-day compensation model through the real service
// (issue 18 item 2): AddRateTable refuses a zone the registry never
// named, then a month of visits is previewed, approved and exported, and
// every line and total equals the öre worked out here by hand.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lov/settlement/tests/settlement_test_support.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using test_support::Visit;

// From 1 January 2024: zones city (tätort) and north (landsbygd), +5 % in
// landsbygd also on the double-staffed extra; personal care per performed
// hour (516 kr by day, 650 kr weekend, 2 staff paid twice); day care at
// 450 kr per day of participation.
v1::RateTable AreaAndDayRates() {
  v1::RateTable t = test_support::Rates();
  v1::AreaTypeDefinition* town = t.add_area_types();
  town->set_area_type_id("tätort");
  town->add_zone_ids("city");
  v1::AreaTypeDefinition* rural = t.add_area_types();
  rural->set_area_type_id("landsbygd");
  rural->add_zone_ids("north");
  for (v1::CategoryRate& c : *t.mutable_categories()) {
    if (c.category_id() != "personal-care") continue;
    c.clear_zone_supplements();
    v1::AreaSupplement* s = c.add_area_supplements();
    s->set_area_type_id("landsbygd");
    s->set_basis_points(500);
    c.set_supplements_on_double_staffing(true);
  }
  v1::CategoryRate* day = t.add_categories();
  day->set_category_id("daycare");
  day->set_model(v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY);
  day->mutable_unit_price()->set_private_ore(45000);
  day->mutable_unit_price()->set_in_house_ore(42000);
  return t;
}

class CompensationServiceTest : public test_support::SettlementFixture {
 protected:
  grpc::Status AddRates(const v1::RateTable& table) {
    v1::AddRateTableRequest req;
    *req.mutable_table() = table;
    v1::RateTable out;
    return Call(&v1::SettlementService::Stub::AddRateTable, req, &out);
  }
};

TEST_F(CompensationServiceTest, AreaSupplementAndParticipationDaysInAMonth) {
  PublishRegistry();  // zones city and north, provider prv-a (private)
  // A zone the registry never named is refused, naming the field (once the
  // registry's zones are known, only fjall is unknown).
  v1::RateTable wrong = AreaAndDayRates();
  wrong.mutable_area_types(1)->add_zone_ids("fjall");
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = AddRates(wrong);
    return s.error_message().find("'fjall'") != std::string::npos;
  })) << s.error_message();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("table.area_types[1].zone_ids[1]: unknown "
                                   "zone 'fjall' (zones known from the "
                                   "registry: city, north)"),
            std::string::npos)
      << s.error_message();
  s = AddRates(AreaAndDayRates());
  ASSERT_TRUE(s.ok()) << s.error_message();

  // Wed 17 Jan 09:00-11:00 in city: 2 h x 516 kr = 103 200.
  PublishAccepted(Visit("prv-a", "c1", "personal-care", "2024-01-17T08:00:00Z",
                        "2024-01-17T10:00:00Z", "city"));
  // Sat 20 Jan 10:00-11:00 in north, two staff: 65 000 + extra 65 000;
  // 5 % of each: 3 250 + 3 250. 136 500.
  visits::v1::Visit two =
      Visit("prv-a", "c2", "personal-care", "2024-01-20T09:00:00Z",
            "2024-01-20T10:00:00Z", "north");
  two.set_double_staffing(true);
  PublishAccepted(two);
  // Day care: Mon 8 Jan twice (one day), Tue 9 Jan (one day), absent on
  // Wed 10 Jan (none): 2 days x 450 kr = 90 000.
  PublishAccepted(Visit("prv-a", "d1", "daycare", "2024-01-08T08:00:00Z",
                        "2024-01-08T11:00:00Z", "city"));
  PublishAccepted(Visit("prv-a", "d2", "daycare", "2024-01-08T12:00:00Z",
                        "2024-01-08T14:00:00Z", "city"));
  PublishAccepted(Visit("prv-a", "d3", "daycare", "2024-01-09T08:00:00Z",
                        "2024-01-09T14:00:00Z", "city"));
  visits::v1::Visit absent =
      Visit("prv-a", "d4", "daycare", "2024-01-10T08:00:00Z",
            "2024-01-10T14:00:00Z", "city");
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  PublishAccepted(absent);

  // 103 200 + 136 500 + 90 000 = 329 700 öre, no VAT.
  const int64_t total = 329700;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.lines_size() == 6 && jan.total_ore() == total;
  })) << service_->Log();
  v1::Statement preview = Preview("prv-a", "2024-01");
  struct Expected {
    v1::LineKind kind;
    std::string zone;
    int64_t quantity;
    int64_t amount;
  };
  const std::vector<Expected> lines = {
      {v1::LINE_KIND_PERFORMED_TIME, "city", 7200, 103200},
      {v1::LINE_KIND_PERFORMED_TIME, "north", 3600, 65000},
      {v1::LINE_KIND_DOUBLE_STAFFING, "north", 3600, 65000},
      {v1::LINE_KIND_ZONE_SUPPLEMENT, "north", 3600, 3250},
      {v1::LINE_KIND_ZONE_SUPPLEMENT, "north", 3600, 3250},  // on the extra
      {v1::LINE_KIND_PARTICIPATION_DAY, "city", 2, 90000},
  };
  ASSERT_EQ(preview.lines_size(), static_cast<int>(lines.size()));
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::StatementLine& l = preview.lines(static_cast<int>(i));
    EXPECT_EQ(l.kind(), lines[i].kind) << i;
    EXPECT_EQ(l.zone_id(), lines[i].zone) << i;
    EXPECT_EQ(l.quantity(), lines[i].quantity) << i;
    EXPECT_EQ(l.amount_ore(), lines[i].amount) << i;
  }
  EXPECT_EQ(preview.lines(5).sources_size(), 3);  // d1, d2, d3
  EXPECT_EQ(preview.net_ore(), total);
  EXPECT_EQ(preview.vat_ore(), 0);
  EXPECT_EQ(preview.total_ore(), total);

  v1::Statement approved;
  s = Approve(preview, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(approved.total_ore(), total);
  v1::ExportStatementRequest ex;
  ex.set_provider_id("prv-a");
  ex.set_period("2024-01");
  ex.set_format(v1::EXPORT_FORMAT_CSV);
  v1::ExportStatementResponse csv;
  ASSERT_TRUE(
      Call(&v1::SettlementService::Stub::ExportStatement, ex, &csv).ok());
  EXPECT_NE(csv.content().find(",PARTICIPATION_DAY,daycare,city,"),
            std::string::npos)
      << csv.content();
}

// Daily activities by the client's decided support level through the real
// service (the decisions as choice publishes them): the level changes on
// the 16th; a level the rate table has no day rate for stops the preview
// with an error naming it; corrected, the month is priced and approved.
TEST_F(CompensationServiceTest, SupportLevelDaysFollowTheClientsDecisions) {
  PublishRegistry();
  grpc::Status s = AddRates(test_support::SupportLevelRates());
  ASSERT_TRUE(s.ok()) << s.error_message();
  PublishLevelChangeOnThe16th();
  // 15 days x 520 kr = 780 000 öre at level 1, 16 x 780 kr = 1 248 000 at
  // level 2.
  const int64_t total = 2028000;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.total_ore() == total;
  })) << service_->Log();
  v1::Statement preview = Preview("prv-a", "2024-01");
  struct Expected {
    int64_t rate;
    int64_t days;
    int64_t amount;
    std::string level;
    std::string days_text;
  };
  const std::vector<Expected> lines = {
      {52000, 15, 780000, "level niva-1", "client-2:2024-01-01..2024-01-15"},
      {78000, 16, 1248000, "level niva-2", "client-2:2024-01-16..2024-01-31"},
  };
  ASSERT_EQ(preview.lines_size(), static_cast<int>(lines.size()));
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::StatementLine& l = preview.lines(static_cast<int>(i));
    EXPECT_EQ(l.kind(), v1::LINE_KIND_SUPPORT_LEVEL_DAY) << i;
    EXPECT_EQ(l.category_id(), "daglig-verksamhet") << i;
    EXPECT_EQ(l.zone_id(), "city") << i;
    EXPECT_EQ(l.unit_rate_ore(), lines[i].rate) << i;
    EXPECT_EQ(l.quantity(), lines[i].days) << i;
    EXPECT_EQ(l.amount_ore(), lines[i].amount) << i;
    EXPECT_NE(l.description().find(lines[i].level), std::string::npos)
        << l.description();
    ASSERT_EQ(l.sources_size(), 1) << i;
    EXPECT_EQ(l.sources(0), lines[i].days_text) << i;
  }
  EXPECT_EQ(preview.total_ore(), total);

  // bb-2 changed to level 3, which the table has no day rate for.
  PublishDecision("client-2",
                  test_support::DailyActivities("bb-2", "2024-01-16", "niva-3"),
                  true);
  grpc::Status refused;
  ASSERT_TRUE(Eventually([&] {
    v1::PreviewStatementRequest req;
    req.set_provider_id("prv-a");
    req.set_period("2024-01");
    v1::Statement out;
    refused = Call(&v1::SettlementService::Stub::PreviewStatement, req, &out);
    return !refused.ok();
  })) << service_->Log();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find(
                "client client-2 has support level 'niva-3' in category "
                "'daglig-verksamhet' from 2024-01-16 (decision bb-2), and the "
                "rate table from 2024-01-01 has no day rate for it "
                "(support_levels: niva-1, niva-2)"),
            std::string::npos)
      << refused.error_message();

  // Corrected to level 2: priced as before, and approved.
  PublishDecision("client-2",
                  test_support::DailyActivities("bb-2", "2024-01-16", "niva-2"),
                  true);
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.total_ore() == total;
  })) << service_->Log();
  v1::Statement approved;
  s = Approve(Preview("prv-a", "2024-01"), &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(approved.status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(approved.total_ore(), total);
  EXPECT_EQ(approved.lines_size(), 2);
}

}  // namespace
}  // namespace lov::settlement
