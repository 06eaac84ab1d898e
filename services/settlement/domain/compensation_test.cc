// The compensation models beside the hourly ones (issue 18 item 2): per day
// of participation, per half day, per treatment, per day by support level,
// travel in sparse zones and the indirect-time supplement; each its own
// line kind. Expected öre are worked out by hand in the comments; January
// 2024 is CET, so 08:00Z is 09:00 in Stockholm.
#include "lov/settlement/domain/compensation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lov/settlement/domain/export.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_rate_builder.h"
#include "lov/settlement/domain/test_rates.h"
#include "lov/settlement/domain/test_support_levels.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using testing::AddAreaType;
using testing::AddCategory;
using testing::AddSupportLevel;
using testing::AddUnitCategory;
using testing::Assigned;
using testing::January2024;
using testing::MakeVisit;
using testing::Price;

// January 2024's rates plus: day care at 450 kr per day of participation
// (420 in-house), rehabilitation at 200 kr per half day (190) up to 4 h,
// physiotherapy at 650 kr per treatment (600) with 12 kr per performed
// hour of indirect time and 50 kr travel per visit in sparse zones, day
// care of support level 2 at 800 kr a day (750); personal care with an
// 8 % indirect-time supplement and 75 kr travel. fjall is sparse.
v1::RateTable Models() {
  v1::RateTable t = January2024();
  AddAreaType(t, "tätort", {"city"});
  AddAreaType(t, "glesbygd", {"fjall"}, /*sparse=*/true);
  AddSupportLevel(t, "level-1", Price(50000, 47000));
  AddSupportLevel(t, "level-2", Price(80000, 75000));

  v1::CategoryRate* care = t.mutable_categories(0);
  care->mutable_indirect_time()->set_basis_points(800);
  *care->mutable_travel_per_visit() = Price(7500, 7500);
  AddUnitCategory(t, "daycare", v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY,
                  Price(45000, 42000));
  AddUnitCategory(t, "rehab", v1::PAYMENT_MODEL_PER_HALF_DAY,
                  Price(20000, 19000))
      ->set_half_day_max_minutes(240);
  v1::CategoryRate* physio = AddUnitCategory(
      t, "physio", v1::PAYMENT_MODEL_PER_TREATMENT, Price(65000, 60000));
  physio->mutable_indirect_time()->set_ore_per_hour(1200);
  *physio->mutable_travel_per_visit() = Price(5000, 5000);
  AddCategory(t, "daycare-l2", v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL)
      ->set_support_level("level-2");
  return t;
}

visits::v1::Visit Visit(const std::string& id, const std::string& category,
                        const std::string& client, const std::string& start,
                        const std::string& end,
                        const std::string& zone = "city") {
  visits::v1::Visit v = MakeVisit(id, category, start, end, zone);
  v.set_client_id(client);
  return v;
}

class CompensationModelTest : public ::testing::Test {
 protected:
  CompensationModelTest() : book_({Models()}) {
    input_.provider_id = "prv-a";
    input_.period = absl::CivilMonth(2024, 1);
    input_.rates = &book_;
  }

  v1::Statement Build() {
    absl::StatusOr<v1::Statement> s = BuildStatement(input_);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : v1::Statement();
  }

  static const v1::StatementLine* Only(const v1::Statement& s,
                                       v1::LineKind kind) {
    const v1::StatementLine* found = nullptr;
    for (const auto& l : s.lines()) {
      if (l.kind() != kind) continue;
      EXPECT_EQ(found, nullptr) << "more than one " << v1::LineKind_Name(kind);
      found = &l;
    }
    EXPECT_NE(found, nullptr) << "no " << v1::LineKind_Name(kind);
    return found;
  }

  RateBook book_;
  StatementInput input_;
};

TEST_F(CompensationModelTest, TheTableIsValidWithoutBandRatesForUnitModels) {
  EXPECT_TRUE(ValidateRateTable(Models()).ok()) << ValidateRateTable(Models());
}

TEST_F(CompensationModelTest, ParticipationDaysCountEachClientsDayOnce) {
  // c1 on 8 Jan (two visits) and 9 Jan, c2 on 8 Jan; c1 absent on 10 Jan:
  // 3 days x 450 kr = 135 000 öre, one line made of the four visits.
  visits::v1::Visit absent = Visit(
      "d5", "daycare", "c1", "2024-01-10T08:00:00Z", "2024-01-10T11:00:00Z");
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  input_.visits = {Visit("d1", "daycare", "c1", "2024-01-08T08:00:00Z",
                         "2024-01-08T11:00:00Z"),
                   Visit("d2", "daycare", "c1", "2024-01-08T12:00:00Z",
                         "2024-01-08T14:00:00Z"),
                   Visit("d3", "daycare", "c1", "2024-01-09T08:00:00Z",
                         "2024-01-09T10:00:00Z"),
                   Visit("d4", "daycare", "c2", "2024-01-08T09:00:00Z",
                         "2024-01-08T10:00:00Z"),
                   absent};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  const v1::StatementLine& l = s.lines(0);
  EXPECT_EQ(l.kind(), v1::LINE_KIND_PARTICIPATION_DAY);
  EXPECT_EQ(l.unit_rate_ore(), 45000);
  EXPECT_EQ(l.quantity(), 3);
  EXPECT_EQ(l.quantity_per_unit(), 1);
  EXPECT_EQ(l.amount_ore(), 135000);
  EXPECT_EQ(l.sources_size(), 4);
  EXPECT_EQ(s.total_ore(), 135000);
  // In-house: 3 x 420 kr = 126 000 öre.
  input_.in_house = true;
  EXPECT_EQ(Build().total_ore(), 126000);
}

TEST_F(CompensationModelTest, AParticipationDayIsTheStockholmDate) {
  // 8 Jan 23:30 - 9 Jan 00:30 UTC is 9 Jan 00:30-01:30 in Stockholm, the
  // same date as the visit at 9 Jan 09:00: one day, 45 000 öre.
  input_.visits = {Visit("d1", "daycare", "c1", "2024-01-08T23:30:00Z",
                         "2024-01-09T00:30:00Z"),
                   Visit("d2", "daycare", "c1", "2024-01-09T08:00:00Z",
                         "2024-01-09T09:00:00Z")};
  EXPECT_EQ(Only(Build(), v1::LINE_KIND_PARTICIPATION_DAY)->quantity(), 1);
}

TEST_F(CompensationModelTest, HalfDaysByPerformedTimeOfTheDay) {
  // 8 Jan 3 h: one half day; 9 Jan 3 h + 2 h = 5 h: two; 10 Jan exactly
  // 4 h (240 min): one. 4 half days x 200 kr = 80 000 öre.
  input_.visits = {Visit("r1", "rehab", "c1", "2024-01-08T08:00:00Z",
                         "2024-01-08T11:00:00Z"),
                   Visit("r2", "rehab", "c1", "2024-01-09T07:00:00Z",
                         "2024-01-09T10:00:00Z"),
                   Visit("r3", "rehab", "c1", "2024-01-09T12:00:00Z",
                         "2024-01-09T14:00:00Z"),
                   Visit("r4", "rehab", "c1", "2024-01-10T08:00:00Z",
                         "2024-01-10T12:00:00Z")};
  v1::Statement s = Build();
  const v1::StatementLine* l = Only(s, v1::LINE_KIND_HALF_DAY);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->quantity(), 4);
  EXPECT_EQ(l->amount_ore(), 80000);
  EXPECT_EQ(s.total_ore(), 80000);
}

TEST_F(CompensationModelTest, TreatmentsArePaidPerVisitWhateverTheBand) {
  // Two performed treatments (one at night, 23:00-23:45, one by day
  // 10:00-10:45) and one refused: 2 x 650 kr = 130 000 öre. Indirect time
  // 12 kr per performed hour: 1.5 h x 1 200 = 1 800 öre. 131 800 öre.
  visits::v1::Visit refused = Visit(
      "p3", "physio", "c1", "2024-01-12T09:00:00Z", "2024-01-12T09:45:00Z");
  refused.set_status(visits::v1::VISIT_STATUS_REFUSED);
  input_.visits = {Visit("p1", "physio", "c1", "2024-01-11T22:00:00Z",
                         "2024-01-11T22:45:00Z"),
                   Visit("p2", "physio", "c1", "2024-01-12T09:00:00Z",
                         "2024-01-12T09:45:00Z"),
                   refused};
  v1::Statement s = Build();
  const v1::StatementLine* t = Only(s, v1::LINE_KIND_TREATMENT);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->band(), v1::BAND_UNSPECIFIED);
  EXPECT_EQ(t->quantity(), 2);
  EXPECT_EQ(t->amount_ore(), 130000);
  const v1::StatementLine* i = Only(s, v1::LINE_KIND_INDIRECT_TIME);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->quantity(), 5400);
  EXPECT_EQ(i->amount_ore(), 1800);
  EXPECT_EQ(s.total_ore(), 131800);
}

TEST_F(CompensationModelTest, SupportLevelDaysArePaidForTheDaysAssigned) {
  // c1 assigned 10-20 Jan (11 days), c2 from 25 Jan open-ended (25-31: 7
  // days): 18 days x 800 kr (level 2) = 1 440 000 öre.
  input_.assignments = {
      Assigned("c1", "daycare-l2", "2024-01-10", "2024-01-20"),
      Assigned("c2", "daycare-l2", "2024-01-25", "")};
  v1::Statement s = Build();
  const v1::StatementLine* l = Only(s, v1::LINE_KIND_SUPPORT_LEVEL_DAY);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->unit_rate_ore(), 80000);
  EXPECT_EQ(l->quantity(), 18);
  EXPECT_EQ(l->amount_ore(), 1440000);
  EXPECT_EQ(s.total_ore(), 1440000);
  // In-house: 18 x 750 kr = 1 350 000 öre.
  input_.in_house = true;
  EXPECT_EQ(Build().total_ore(), 1350000);
}

TEST_F(CompensationModelTest, TravelIsPaidPerVisitInSparseZonesOnly) {
  // Personal care, 1 h by day in fjall (sparse) and in city: 2 x 51 600
  // performed, 8 % indirect time on each (4 128 each), travel 75 kr once:
  // 103 200 + 8 256 + 7 500 = 118 956 öre.
  input_.visits = {Visit("v1", "personal-care", "c1", "2024-01-17T08:00:00Z",
                         "2024-01-17T09:00:00Z", "fjall"),
                   Visit("v2", "personal-care", "c2", "2024-01-17T10:00:00Z",
                         "2024-01-17T11:00:00Z", "city")};
  v1::Statement s = Build();
  const v1::StatementLine* t = Only(s, v1::LINE_KIND_TRAVEL);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->zone_id(), "fjall");
  EXPECT_EQ(t->quantity(), 1);
  EXPECT_EQ(t->amount_ore(), 7500);
  EXPECT_EQ(s.total_ore(), 118956);
}

TEST_F(CompensationModelTest, IndirectTimeIsAShareOfEachBandsAmount) {
  // 17:30-18:30: 25 800 by day + 30 000 in the evening; 8 % of each:
  // 2 064 + 2 400 = 4 464. Total 60 264 öre.
  input_.visits = {Visit("v1", "personal-care", "c1", "2024-01-17T16:30:00Z",
                         "2024-01-17T17:30:00Z")};
  v1::Statement s = Build();
  int64_t indirect = 0;
  for (const auto& l : s.lines()) {
    if (l.kind() == v1::LINE_KIND_INDIRECT_TIME) indirect += l.amount_ore();
  }
  EXPECT_EQ(indirect, 4464);
  EXPECT_EQ(s.total_ore(), 60264);
}

TEST_F(CompensationModelTest, IndirectTimeIsRoundedOnceHalfAwayFromZero) {
  // 100 s by day: 51 600 x 100 / 3 600 = 1 433.33 -> 1 433; 8 %: 51 600 x
  // 100 x 800 / (3 600 x 10 000) = 114.67 -> 115.
  input_.visits = {Visit("v1", "personal-care", "c1", "2024-01-17T08:00:00Z",
                         "2024-01-17T08:01:40Z")};
  v1::Statement s = Build();
  EXPECT_EQ(Only(s, v1::LINE_KIND_INDIRECT_TIME)->amount_ore(), 115);
  EXPECT_EQ(s.total_ore(), 1433 + 115);
}

TEST_F(CompensationModelTest, ACorrectionMovingADayWithinTheMonthNetsToZero) {
  // January is approved; the visit of 8 Jan is moved to 9 Jan (version 2).
  // February books one adjustment line: +1 day - 1 day = 0 öre, made of
  // both versions.
  input_.period = absl::CivilMonth(2024, 2);
  visits::v1::Visit before = Visit(
      "d1", "daycare", "c1", "2024-01-08T08:00:00Z", "2024-01-08T11:00:00Z");
  visits::v1::Visit after = Visit("d1", "daycare", "c1", "2024-01-09T08:00:00Z",
                                  "2024-01-09T11:00:00Z");
  after.set_version(2);
  input_.adjustments = {Adjustment{.adjustment_id = "e1",
                                   .adjusts_period = "2024-01",
                                   .previous = before,
                                   .current = after}};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.lines(0).kind(), v1::LINE_KIND_PARTICIPATION_DAY);
  EXPECT_EQ(s.lines(0).adjusts_period(), "2024-01");
  EXPECT_EQ(s.lines(0).quantity(), 0);
  EXPECT_EQ(s.lines(0).amount_ore(), 0);
  EXPECT_EQ(s.lines(0).sources_size(), 2);
  // Voided instead: one day taken out, -45 000 öre.
  input_.adjustments[0].current.reset();
  EXPECT_EQ(Build().total_ore(), -45000);
}

TEST(CompensationValidationTest, NamesTheFieldOfEachMistake) {
  struct Case {
    std::string name;
    void (*change)(v1::RateTable&);
    std::vector<std::string> words;
  };
  // Categories of Models(): 4 daycare, 5 rehab, 6 physio, 7 daycare-l2.
  const std::vector<Case> cases = {
      {"unit price missing",
       [](v1::RateTable& t) { t.mutable_categories(4)->clear_unit_price(); },
       {"table.categories[4].unit_price",
        "required by model PAYMENT_MODEL_PER_PARTICIPATION_DAY"}},
      {"unit price on an hourly category",
       [](v1::RateTable& t) {
         *t.mutable_categories(0)->mutable_unit_price() = Price(1, 1);
       },
       {"table.categories[0].unit_price", "not used"}},
      {"negative unit price",
       [](v1::RateTable& t) {
         *t.mutable_categories(6)->mutable_unit_price() = Price(-1, 0);
       },
       {"table.categories[6].unit_price", "between 0 and 100000000"}},
      {"unit price over the limit",
       [](v1::RateTable& t) {
         *t.mutable_categories(6)->mutable_unit_price() =
             Price(0, kMaxRateOre + 1);
       },
       {"table.categories[6].unit_price", "between 0 and 100000000"}},
      {"half day without its limit",
       [](v1::RateTable& t) {
         t.mutable_categories(5)->set_half_day_max_minutes(0);
       },
       {"table.categories[5].half_day_max_minutes", "from 1 to 1439"}},
      {"half-day limit on another model",
       [](v1::RateTable& t) {
         t.mutable_categories(4)->set_half_day_max_minutes(240);
       },
       {"table.categories[4].half_day_max_minutes", "not used"}},
      {"unknown support level",
       [](v1::RateTable& t) {
         t.mutable_categories(7)->set_support_level("level-9");
       },
       {"table.categories[7].support_level", "'level-9'",
        "table.support_levels"}},
      {"support level twice",
       [](v1::RateTable& t) { t.add_support_levels()->set_level("level-1"); },
       {"table.support_levels[2].level", "'level-1' appears twice"}},
      {"negative support level rate",
       [](v1::RateTable& t) {
         *t.mutable_support_levels(0)->mutable_per_day() = Price(-5, 0);
       },
       {"table.support_levels[0].per_day"}},
      {"support level on another model",
       [](v1::RateTable& t) {
         t.mutable_categories(4)->set_support_level("level-1");
       },
       {"table.categories[4].support_level", "not used"}},
      {"travel without a sparse area type",
       [](v1::RateTable& t) { t.mutable_area_types(1)->set_sparse(false); },
       {"table.categories[0].travel_per_visit", "no table.area_types"}},
      {"indirect share on treatments",
       [](v1::RateTable& t) {
         t.mutable_categories(6)->mutable_indirect_time()->set_basis_points(
             100);
       },
       {"table.categories[6].indirect_time.basis_points",
        "PAYMENT_MODEL_PERFORMED_HOURS"}},
      {"negative indirect time",
       [](v1::RateTable& t) {
         t.mutable_categories(6)->mutable_indirect_time()->set_ore_per_hour(-1);
       },
       {"table.categories[6].indirect_time.ore_per_hour", "from 0"}},
      {"indirect share over 10x",
       [](v1::RateTable& t) {
         t.mutable_categories(0)->mutable_indirect_time()->set_basis_points(
             kMaxRateBasisPoints + 1);
       },
       {"table.categories[0].indirect_time.basis_points", "from 0 to 100000"}},
      {"hourly category without its bands",
       [](v1::RateTable& t) {
         t.mutable_categories(0)->mutable_band_rates()->RemoveLast();
       },
       {"table.categories[0].band_rates", "BAND_HOLIDAY is missing"}},
  };
  for (const Case& c : cases) {
    v1::RateTable t = Models();
    c.change(t);
    EXPECT_TRUE(IsError(ValidateRateTable(t),
                        absl::StatusCode::kInvalidArgument, c.words))
        << c.name << ": " << ValidateRateTable(t);
  }
}

// No line kind can be dropped silently: every kind of the enum has its
// own description and appears by name in the CSV and JSON exports (the
// Peppol invoice and SIE 4 take every non-VAT line the same way).
TEST(LineKindTest, EveryKindIsDescribedAndExported) {
  const google::protobuf::EnumDescriptor* kinds = v1::LineKind_descriptor();
  ASSERT_GE(kinds->value_count(), 15);
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::LineKind>(kinds->value(i)->number());
    if (kind == v1::LINE_KIND_UNSPECIFIED) continue;
    const std::string name = kinds->value(i)->name().substr(10);
    EXPECT_NE(LineKindText(kind), "Line") << name;
    v1::Statement s;
    s.set_statement_id("prv-a/2024-01");
    v1::StatementLine* l = s.add_lines();
    l->set_line_no(1);
    l->set_kind(kind);
    l->set_amount_ore(100);
    EXPECT_NE(StatementCsv(s).find("," + name + ","), std::string::npos)
        << name;
    EXPECT_NE(StatementJson(s).find("\"kind\":\"" + name + "\""),
              std::string::npos)
        << name;
  }
}

}  // namespace
}  // namespace lov::settlement
