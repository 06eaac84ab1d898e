#include "lov/settlement/domain/statement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "lov/settlement/domain/one_off.h"
#include "lov/settlement/domain/statement_test_support.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::January2024;
using testing::MakeVisit;

using SettlementStatementTest = testing::StatementTest;

TEST_F(SettlementStatementTest, VisitOverTheEveningBoundaryIsPaidAtBothRates) {
  // Wed 17 Jan 17:30-18:30: half an hour at 516 kr + half at 600 kr.
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T16:30:00Z",
                             "2024-01-17T17:30:00Z")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.lines(0).band(), v1::BAND_DAY);
  EXPECT_EQ(s.lines(0).amount_ore(), 25800);
  EXPECT_EQ(s.lines(1).band(), v1::BAND_EVENING);
  EXPECT_EQ(s.lines(1).amount_ore(), 30000);
  EXPECT_EQ(s.total_ore(), 55800);
  EXPECT_EQ(s.vat_ore(), 0);  // personal care carries no VAT
  EXPECT_EQ(s.lines(0).sources(0), "v1@1");
  EXPECT_EQ(s.performed_seconds(), 3600);
}

TEST_F(SettlementStatementTest, AVisitRowIsPricedLikeAVisit) {
  // The first test's visit as a row whose strings are the caller's: the
  // same two lines (258 + 300 kr), its source carrying the row's version.
  const std::string id = "r1";
  const std::string category = "personal-care";
  const std::string zone = "city";
  const std::string client = "c1";
  input_.visit_rows = {{.visit_id = id,
                        .version = 3,
                        .performed = true,
                        .start = testing::Utc("2024-01-17T16:30:00Z"),
                        .end = testing::Utc("2024-01-17T17:30:00Z"),
                        .category_id = category,
                        .zone_id = zone,
                        .client_id = client}};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.lines(0).amount_ore(), 25800);
  EXPECT_EQ(s.lines(1).amount_ore(), 30000);
  EXPECT_EQ(s.total_ore(), 55800);
  EXPECT_EQ(s.lines(0).sources(0), "r1@3");
  EXPECT_EQ(s.performed_seconds(), 3600);
}

TEST_F(SettlementStatementTest, SourcesAreSortedWhateverTheVisitsOrder) {
  // Two day-band hours on one line, given in and out of id order: the
  // line lists its sources sorted either way.
  const visits::v1::Visit a = MakeVisit(
      "v1", "personal-care", "2024-01-17T09:00:00Z", "2024-01-17T10:00:00Z");
  const visits::v1::Visit b = MakeVisit(
      "v2", "personal-care", "2024-01-18T09:00:00Z", "2024-01-18T10:00:00Z");
  for (const auto& visits : {std::vector{a, b}, std::vector{b, a}}) {
    input_.visits = visits;
    v1::Statement s = Build();
    ASSERT_EQ(s.lines_size(), 1);
    ASSERT_EQ(s.lines(0).sources_size(), 2);
    EXPECT_EQ(s.lines(0).sources(0), "v1@1");
    EXPECT_EQ(s.lines(0).sources(1), "v2@1");
  }
}

TEST_F(SettlementStatementTest, VisitRowsGiveTheStatementOfTheirMessages) {
  // Bands, double staffing, a rural zone, VAT, the per-visit model and an
  // absent client: as messages, as rows (RowOf), and half of each.
  std::vector<visits::v1::Visit> visits = {
      MakeVisit("v1", "personal-care", "2024-01-17T16:30:00Z",
                "2024-01-17T17:30:00Z"),
      MakeVisit("v2", "personal-care", "2024-01-20T09:00:00Z",
                "2024-01-20T10:00:00Z", "north"),
      MakeVisit("v3", "home-nursing", "2024-01-17T22:00:00Z",
                "2024-01-17T22:20:00Z"),
      MakeVisit("v4", "service", "2024-01-18T20:30:00Z", "2024-01-18T23:15:00Z",
                "north"),
      MakeVisit("v5", "personal-care", "2024-01-19T09:00:00Z",
                "2024-01-19T10:00:00Z")};
  visits[1].set_double_staffing(true);
  visits[1].set_version(2);
  visits[4].set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  input_.visits = visits;
  const v1::Statement from_messages = Build();
  ASSERT_GT(from_messages.lines_size(), 5);
  // 1 h + 1 h + 20 min + 2 h 45 min; the absent client's hour not.
  EXPECT_EQ(from_messages.performed_seconds(), 3600 + 3600 + 1200 + 9900);

  input_.visits.clear();
  for (const visits::v1::Visit& v : visits) {
    input_.visit_rows.push_back(RowOf(v));
  }
  EXPECT_EQ(Build().DebugString(), from_messages.DebugString());

  input_.visits = {visits[0], visits[2], visits[4]};
  input_.visit_rows = {RowOf(visits[1]), RowOf(visits[3])};
  EXPECT_EQ(Build().DebugString(), from_messages.DebugString());
}

TEST_F(SettlementStatementTest, DigestIsThatOfTheStatementWithoutStatus) {
  // The digest is taken in place while the statement is written; it is the
  // one StatementDigest gives for the finished PREVIEW, and the PREVIEW
  // status is kept.
  input_.visits = {MakeVisit("v1", "service", "2024-01-17T16:30:00Z",
                             "2024-01-17T17:30:00Z")};
  const v1::Statement s = Build();
  EXPECT_EQ(s.status(), v1::STATEMENT_STATUS_PREVIEW);
  ASSERT_FALSE(s.digest().empty());
  EXPECT_EQ(s.digest(), StatementDigest(s));
  v1::Statement other = s;
  other.mutable_lines(0)->set_quantity(s.lines(0).quantity() + 1);
  EXPECT_NE(StatementDigest(other), s.digest());
}

TEST_F(SettlementStatementTest, InHouseRatesApplyToInHouseProviders) {
  input_.in_house = true;
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T16:30:00Z",
                             "2024-01-17T17:30:00Z")};
  // Half an hour at 485 kr + half at 560 kr.
  EXPECT_EQ(Build().total_ore(), 24250 + 28000);
}

TEST_F(SettlementStatementTest, EachLineIsRoundedOnceNotEachVisit) {
  // Three visits of 100 s at 516 kr/h: 14.33 kr each (4299 öre if rounded
  // per visit), but 300 s on one line is exactly 43.00 kr.
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T09:00:00Z",
                             "2024-01-17T09:01:40Z"),
                   MakeVisit("v2", "personal-care", "2024-01-17T10:00:00Z",
                             "2024-01-17T10:01:40Z"),
                   MakeVisit("v3", "personal-care", "2024-01-17T11:00:00Z",
                             "2024-01-17T11:01:40Z")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.lines(0).quantity(), 300);
  EXPECT_EQ(s.lines(0).amount_ore(), 4300);
  EXPECT_EQ(s.lines(0).sources_size(), 3);
}

TEST_F(SettlementStatementTest, HalfAnOreIsRoundedAwayFromZero) {
  EXPECT_EQ(LineAmount(51601, 1800, 3600, 10000)->ore(), 25801);  // 25800.5
  EXPECT_EQ(LineAmount(51650, 90, 3600, 10000)->ore(), 1291);     // 1291.25
  EXPECT_EQ(LineAmount(51601, -1800, 3600, 10000)->ore(), -25801);
  EXPECT_EQ(LineAmount(19700, 10, 31, 10000)->ore(), 6355);  // 6354.84
}

TEST_F(SettlementStatementTest, AnAmountBeyond64BitsIsAnErrorNotACrash) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // The product quantity x multiplier already overflows.
  EXPECT_EQ(LineAmount(1, kMax, 3600, 20000).status().code(),
            absl::StatusCode::kOutOfRange);
  // The amount itself: kMax öre per hour for two hours.
  EXPECT_EQ(LineAmount(kMax, 7200, 3600, 10000).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(SettlementStatementTest, DoubleStaffingPaysTheSecondPerson) {
  visits::v1::Visit v = MakeVisit("v1", "personal-care", "2024-01-17T09:00:00Z",
                                  "2024-01-17T10:00:00Z");
  v.set_double_staffing(true);
  input_.visits = {v};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_PERFORMED_TIME), 51600);
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_DOUBLE_STAFFING), 51600);  // factor 2.0
  EXPECT_EQ(s.total_ore(), 103200);
}

TEST_F(SettlementStatementTest, RuralZoneSupplementIsTenPercent) {
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T09:00:00Z",
                             "2024-01-17T10:00:00Z", "north")};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_ZONE_SUPPLEMENT), 5160);
  EXPECT_EQ(s.total_ore(), 56760);
}

TEST_F(SettlementStatementTest, ServiceCarriesVatPersonalCareDoesNot) {
  input_.visits = {MakeVisit("v1", "service", "2024-01-17T09:00:00Z",
                             "2024-01-17T10:00:00Z"),
                   MakeVisit("v2", "personal-care", "2024-01-17T11:00:00Z",
                             "2024-01-17T12:00:00Z")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 3);
  const v1::StatementLine& vat = s.lines(2);
  EXPECT_EQ(vat.kind(), v1::LINE_KIND_VAT);
  EXPECT_EQ(vat.category_id(), "service");
  EXPECT_EQ(vat.amount_ore(), 10250);  // 25 % of 410.00
  EXPECT_EQ(s.net_ore(), 41000 + 51600);
  EXPECT_EQ(s.vat_ore(), 10250);
  EXPECT_EQ(s.total_ore(), 41000 + 51600 + 10250);
}

TEST_F(SettlementStatementTest, VatIsRoundedOnceOnTheCategoryNet) {
  // 61 s of service at 410 kr/h = 6.947 kr -> 6.95; VAT 25 % = 1.7375 ->
  // 1.74.
  input_.visits = {MakeVisit("v1", "service", "2024-01-17T09:00:00Z",
                             "2024-01-17T09:01:01Z")};
  v1::Statement s = Build();
  EXPECT_EQ(s.net_ore(), 695);
  EXPECT_EQ(s.vat_ore(), 174);
}

TEST_F(SettlementStatementTest, NewRateTableFromFebruaryDoesNotChangeJanuary) {
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-31T09:00:00Z",
                             "2024-01-31T10:00:00Z")};
  const v1::Statement before = Build();
  v1::RateTable february = January2024();
  february.set_effective_date("2024-02-01");
  february.mutable_categories(0)->mutable_band_rates(0)->set_private_ore(53000);
  book_.Add(february);
  const v1::Statement after = Build();
  EXPECT_EQ(after.total_ore(), 51600);
  EXPECT_EQ(after.digest(), before.digest());
  EXPECT_EQ(after.lines(0).rate_version(), "2024-01-01");

  input_.period = absl::CivilMonth(2024, 2);
  input_.visits = {MakeVisit("v2", "personal-care", "2024-02-01T09:00:00Z",
                             "2024-02-01T10:00:00Z")};
  const v1::Statement feb = Build();
  EXPECT_EQ(feb.total_ore(), 53000);
  EXPECT_EQ(feb.lines(0).rate_version(), "2024-02-01");
}

TEST_F(SettlementStatementTest, ListingFeeProRataByDaysListed) {
  choice::v1::Assignment c1;
  c1.set_client_id("c1");
  c1.set_zone_id("north");
  c1.add_category_ids("home-nursing");
  c1.set_valid_from("2024-01-01");
  c1.set_valid_to("2024-01-10");
  choice::v1::Assignment c2 = c1;
  c2.set_client_id("c2");
  c2.set_valid_from("2024-01-16");
  c2.set_valid_to("");
  input_.assignments = {c1, c2};
  // 197 kr x (10 + 16) / 31 days = 165.2258 kr.
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.lines(0).kind(), v1::LINE_KIND_LISTING_FEE);
  EXPECT_EQ(s.lines(0).quantity(), 26);
  EXPECT_EQ(s.lines(0).amount_ore(), 16523);
  EXPECT_EQ(s.lines(0).sources(0), "c1:2024-01-01..2024-01-10");

  // The provider on the 15th gets the month: c1 left on the 10th and c2
  // came on the 16th, so neither counts.
  input_.listing_rule = v1::LISTING_RULE_KIND_PROVIDER_ON_15TH;
  EXPECT_EQ(Build().total_ore(), 0);
  c1.set_valid_to("2024-01-15");
  input_.assignments = {c1, c2};
  EXPECT_EQ(Build().total_ore(), 19700);
}

TEST_F(SettlementStatementTest, PerVisitModelPaysTheBandOfTheStart) {
  // Home nursing: a weekday visit at 23:00 local is a night visit.
  input_.visits = {MakeVisit("v1", "home-nursing", "2024-01-17T22:00:00Z",
                             "2024-01-17T22:20:00Z"),
                   MakeVisit("v2", "home-nursing", "2024-01-17T09:00:00Z",
                             "2024-01-17T09:20:00Z")};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_VISITS), 24500 + 26000);
}

TEST_F(SettlementStatementTest, GrantedHoursArePaidWhateverWasPerformed) {
  choice::v1::Assignment a;
  a.set_client_id("c1");
  a.set_zone_id("city");
  a.add_category_ids("granted-help");
  a.set_valid_from("2024-01-01");
  a.set_valid_to("2024-01-10");
  input_.assignments = {a};
  choice::v1::Decision d;
  d.set_valid_from("2023-01-01");
  auto* g = d.add_categories();
  g->set_category_id("granted-help");
  g->set_minutes_per_month(1200);
  input_.decisions_by_client["c1"] = {d};
  // 20 h x 400 kr x 10/31 = 2580.645 kr.
  EXPECT_EQ(Build().total_ore(), 258065);
}

TEST_F(SettlementStatementTest, NotPerformedVisitsAreNotPaid) {
  visits::v1::Visit absent = MakeVisit(
      "v1", "personal-care", "2024-01-17T09:00:00Z", "2024-01-17T10:00:00Z");
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  input_.visits = {absent};
  v1::Statement s = Build();
  EXPECT_EQ(s.total_ore(), 0);
  EXPECT_EQ(s.lines_size(), 0);
}

TEST_F(SettlementStatementTest, CorrectionOfALockedMonthIsTheDifference) {
  input_.period = absl::CivilMonth(2024, 2);
  visits::v1::Visit old_version = MakeVisit(
      "v1", "personal-care", "2024-01-17T09:00:00Z", "2024-01-17T10:00:00Z");
  visits::v1::Visit new_version = MakeVisit(
      "v1", "personal-care", "2024-01-17T09:00:00Z", "2024-01-17T10:30:00Z");
  new_version.set_version(2);
  input_.adjustments = {{"adj-1", "2024-01", old_version, new_version}};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.lines(0).adjusts_period(), "2024-01");
  EXPECT_EQ(s.lines(0).amount_ore(), 25800);  // +0.5 h at 516 kr
  EXPECT_EQ(s.lines(0).sources(0), "-v1@1");
  EXPECT_EQ(s.lines(0).sources(1), "v1@2");
  EXPECT_EQ(s.adjustment_ids(0), "adj-1");

  // A voided visit takes the whole amount back.
  input_.adjustments = {{"adj-2", "2024-01", old_version, std::nullopt}};
  EXPECT_EQ(Build().total_ore(), -51600);
}

TEST_F(SettlementStatementTest, SameInputsInAnyOrderGiveTheSameStatement) {
  std::vector<visits::v1::Visit> visits;
  for (int i = 0; i < 20; ++i) {
    visits.push_back(
        MakeVisit("v" + std::to_string(i), i % 2 ? "service" : "personal-care",
                  absl::StrCat("2024-01-", 10 + i, "T16:", 10 + i, ":00Z"),
                  absl::StrCat("2024-01-", 10 + i, "T21:", 10 + i, ":07Z"),
                  i % 3 ? "city" : "north"));
  }
  input_.visits = visits;
  const v1::Statement a = Build();
  std::reverse(input_.visits.begin(), input_.visits.end());
  const v1::Statement b = Build();
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  int64_t sum = 0;
  for (const auto& l : a.lines()) sum += l.amount_ore();
  EXPECT_EQ(sum, a.total_ore());
}

TEST_F(SettlementStatementTest, MissingRateIsAPreconditionNamingTheVisit) {
  input_.visits = {MakeVisit("v9", "personal-care", "2023-12-31T09:00:00Z",
                             "2023-12-31T10:00:00Z")};
  absl::StatusOr<v1::Statement> s = BuildStatement(input_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("v9"), std::string::npos);
}

// 5 MSEK of transition support, by the hours of 2024-01, paid in 2024-02.
v1::CreateOneOffPaymentRequest TransitionSupport() {
  v1::CreateOneOffPaymentRequest r;
  r.set_payment_id("transition-2024");
  r.set_total_ore(500'000'000);  // 5 MSEK
  r.set_rule(v1::ONE_OFF_RULE_PERFORMED_HOURS);
  r.set_basis_period("2024-01");
  r.set_paid_in_period("2024-02");
  return r;
}

TEST(SettlementOneOffTest, TransitionSupportSharedByPerformedHours) {
  const v1::CreateOneOffPaymentRequest r = TransitionSupport();
  // 1000 h, 2000 h, 0 h: one third and two thirds.
  absl::StatusOr<v1::OneOffPayment> p = AllocateOneOff(
      r, {{"prv-a", 1000 * 3600}, {"prv-b", 2000 * 3600}, {"prv-c", 0}});
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->shares_size(), 2);
  // 166 666 666.67 and 333 333 333.33: the extra öre to the larger
  // remainder.
  EXPECT_EQ(p->shares(0).amount_ore(), 166'666'667);
  EXPECT_EQ(p->shares(1).amount_ore(), 333'333'333);
  // Equal weights: leftover öre to the provider id that sorts first.
  p = AllocateOneOff(r, {{"x", 1}, {"y", 1}, {"z", 1}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->shares(0).amount_ore(), 166'666'667);
  EXPECT_EQ(p->shares(1).amount_ore(), 166'666'667);
  EXPECT_EQ(p->shares(2).amount_ore(), 166'666'666);
  EXPECT_EQ(AllocateOneOff(r, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// The description goes into events and export files: no personnummer
// (121212-1212 passes Luhn with a real date).
TEST(SettlementOneOffTest, DescriptionWithAPersonnummerIsRefused) {
  v1::CreateOneOffPaymentRequest r = TransitionSupport();
  r.set_description("support, see 121212-1212");
  absl::Status s = ValidateOneOff(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "description: must not contain a personal identity number");
  r.set_description("refund, Attendo 556554-1645");
  EXPECT_TRUE(ValidateOneOff(r).ok());
}

TEST_F(SettlementStatementTest, OneOffShareIsALineOfThePaidInPeriod) {
  v1::OneOffPayment p;
  p.set_payment_id("transition-2024");
  p.set_description("Omställningsstöd");
  auto* share = p.add_shares();
  share->set_provider_id("prv-a");
  share->set_amount_ore(166'666'667);
  auto* other = p.add_shares();
  other->set_provider_id("prv-b");
  other->set_amount_ore(333'333'333);
  input_.one_offs = {p};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.lines(0).kind(), v1::LINE_KIND_ONE_OFF);
  EXPECT_EQ(s.total_ore(), 166'666'667);
}

}  // namespace
}  // namespace lov::settlement
