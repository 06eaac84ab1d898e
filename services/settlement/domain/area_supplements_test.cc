// Area types and zone rates as rate-table data (issue 18 item 2): any
// number of area types, a supplement per area type or per zone (the zone's
// own wins), and whether supplements are also paid on the double-staffing
// extra. Every expectation is worked out by hand in the comment above it;
// rates from test_rates.h (personal care 516 kr/h by day, double staffing
// 2x, so the extra is 1x).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lov/settlement/domain/compensation.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/statement_test_support.h"
#include "lov/settlement/domain/test_rates.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using testing::January2024;
using testing::MakeVisit;

void AddArea(v1::RateTable& t, const std::string& id,
             const std::vector<std::string>& zones, bool sparse) {
  v1::AreaTypeDefinition* a = t.add_area_types();
  a->set_area_type_id(id);
  for (const std::string& z : zones) a->add_zone_ids(z);
  a->set_sparse(sparse);
}

v1::AreaSupplement* AddSupplement(v1::CategoryRate* c,
                                  const std::string& area_type,
                                  const std::string& zone, int64_t bp,
                                  int64_t ore_per_hour) {
  v1::AreaSupplement* s = c->add_area_supplements();
  s->set_area_type_id(area_type);
  s->set_zone_id(zone);
  s->set_basis_points(bp);
  s->set_ore_per_hour(ore_per_hour);
  return s;
}

// Jönköping-style: three area types. Personal care gets 5 % in landsbygd,
// 10 % + 20 kr/h in glesbygd, and the zone "lake" (glesbygd) 3 % instead.
v1::RateTable ThreeAreaTypes() {
  v1::RateTable t = January2024();
  AddArea(t, "tätort", {"city"}, false);
  AddArea(t, "landsbygd", {"north"}, false);
  AddArea(t, "glesbygd", {"fjall", "lake"}, true);
  v1::CategoryRate* care = t.mutable_categories(0);
  care->clear_zone_supplements();
  AddSupplement(care, "landsbygd", "", 500, 0);
  AddSupplement(care, "glesbygd", "", 1000, 2000);
  AddSupplement(care, "", "lake", 300, 0);
  return t;
}

class AreaSupplementTest : public testing::StatementTest {
 protected:
  AreaSupplementTest() { Use(ThreeAreaTypes()); }

  void Use(const v1::RateTable& table) {
    ASSERT_TRUE(ValidateRateTable(table).ok()) << ValidateRateTable(table);
    UseTable(table);
  }

  // Wed 17 Jan 2024, 09:00-10:00 Stockholm (CET = UTC+1): DAY band.
  static visits::v1::Visit DayHour(const std::string& zone,
                                   bool double_staffed = false) {
    visits::v1::Visit v =
        MakeVisit("v1", "personal-care", "2024-01-17T08:00:00Z",
                  "2024-01-17T09:00:00Z", zone);
    v.set_double_staffing(double_staffed);
    return v;
  }
};

TEST_F(AreaSupplementTest, TatortHasNoSupplement) {
  // 1 h x 516 kr = 51 600 öre and nothing else.
  input_.visits = {DayHour("city")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 1);
  EXPECT_EQ(s.total_ore(), 51600);
}

TEST_F(AreaSupplementTest, LandsbygdPaysItsAreaTypesPercentage) {
  // 51 600 + 5 % of 51 600 = 51 600 + 2 580 = 54 180 öre.
  input_.visits = {DayHour("north")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.lines(1).kind(), v1::LINE_KIND_ZONE_SUPPLEMENT);
  EXPECT_EQ(s.lines(1).multiplier_bp(), 500);
  EXPECT_EQ(s.lines(1).amount_ore(), 2580);
  EXPECT_EQ(s.total_ore(), 54180);
}

TEST_F(AreaSupplementTest, GlesbygdPaysPercentageAndOrePerHour) {
  // 1.5 h by day in fjall: 1.5 x 51 600 = 77 400; 10 % = 7 740;
  // 1.5 h x 2 000 öre = 3 000. Total 88 140 öre.
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T08:00:00Z",
                             "2024-01-17T09:30:00Z", "fjall")};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_PERFORMED_TIME), 77400);
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_ZONE_SUPPLEMENT), 7740 + 3000);
  EXPECT_EQ(s.total_ore(), 88140);
}

TEST_F(AreaSupplementTest, AZonesOwnSupplementOverridesItsAreaType) {
  // lake is glesbygd, but its own 3 % replaces the 10 % + 20 kr/h:
  // 51 600 + 1 548 = 53 148 öre.
  input_.visits = {DayHour("lake")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.lines(1).amount_ore(), 1548);
  EXPECT_EQ(s.total_ore(), 53148);
}

TEST_F(AreaSupplementTest, SupplementIsRoundedOnceOnItsLine) {
  // Two visits of 70 s in north: one line of 140 s.
  // 51 600 x 140 / 3 600 = 2 006.67 -> 2 007; 5 %: 100.33 -> 100.
  input_.visits = {MakeVisit("v1", "personal-care", "2024-01-17T08:00:00Z",
                             "2024-01-17T08:01:10Z", "north"),
                   MakeVisit("v2", "personal-care", "2024-01-17T09:00:00Z",
                             "2024-01-17T09:01:10Z", "north")};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.lines(0).amount_ore(), 2007);
  EXPECT_EQ(s.lines(1).quantity(), 140);
  EXPECT_EQ(s.lines(1).amount_ore(), 100);
  EXPECT_EQ(s.total_ore(), 2107);
}

TEST_F(AreaSupplementTest, ByDefaultTheSupplementIsOnTheSingleAmountOnly) {
  // Double-staffed hour in north: 51 600 + extra 1x 51 600 + 5 % of the
  // single amount 2 580 = 105 780 öre (today's rule).
  input_.visits = {DayHour("north", true)};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_DOUBLE_STAFFING), 51600);
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_ZONE_SUPPLEMENT), 2580);
  EXPECT_EQ(s.total_ore(), 105780);
}

TEST_F(AreaSupplementTest, FlagPaysTheSupplementOnTheDoubleStaffedExtraToo) {
  // As above plus 5 % of the extra 51 600 = 2 580: 108 360 öre. The
  // extra's line is exact: 51 600 x 3 600 x (500 x 10 000) /
  // (3 600 x 10 000 x 10 000) = 2 580.
  v1::RateTable t = ThreeAreaTypes();
  t.mutable_categories(0)->set_supplements_on_double_staffing(true);
  Use(t);
  input_.visits = {DayHour("north", true)};
  v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 4);
  const v1::StatementLine& extra = s.lines(3);
  EXPECT_EQ(extra.kind(), v1::LINE_KIND_ZONE_SUPPLEMENT);
  EXPECT_EQ(extra.quantity_per_unit(), 36'000'000);
  EXPECT_EQ(extra.multiplier_bp(), 5'000'000);
  EXPECT_EQ(extra.amount_ore(), 2580);
  EXPECT_NE(extra.description().find("on double staffing"), std::string::npos)
      << extra.description();
  EXPECT_EQ(s.total_ore(), 108360);
}

TEST_F(AreaSupplementTest, FlagAlsoDoublesTheOrePerHourPart) {
  // Glesbygd, double-staffed hour: 51 600 + 51 600 extra; single: 10 % =
  // 5 160 and 2 000 öre/h; on the extra again 5 160 and 2 000 x 1x =
  // 2 000. 103 200 + 7 160 + 7 160 = 117 520 öre.
  v1::RateTable t = ThreeAreaTypes();
  t.mutable_categories(0)->set_supplements_on_double_staffing(true);
  Use(t);
  input_.visits = {DayHour("fjall", true)};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_ZONE_SUPPLEMENT), 14320);
  EXPECT_EQ(s.total_ore(), 117520);
}

TEST_F(AreaSupplementTest, FlagAppliesToTheRegistryAreaSupplementsToo) {
  // January 2024 as it is (rural 10 % by the registry's RURAL), flag set:
  // 51 600 + 51 600 + 5 160 + 5 160 = 113 520 öre.
  v1::RateTable t = January2024();
  t.mutable_categories(0)->set_supplements_on_double_staffing(true);
  Use(t);
  input_.visits = {DayHour("north", true)};
  EXPECT_EQ(Build().total_ore(), 113520);
}

TEST_F(AreaSupplementTest, PerVisitCategoriesGetTheirAreaSupplement) {
  // Home nursing (per visit, 260 kr by day) with 10 % in glesbygd:
  // 26 000 + 2 600 = 28 600 öre.
  v1::RateTable t = ThreeAreaTypes();
  AddSupplement(t.mutable_categories(2), "glesbygd", "", 1000, 0);
  Use(t);
  input_.visits = {MakeVisit("v1", "home-nursing", "2024-01-17T08:00:00Z",
                             "2024-01-17T08:20:00Z", "fjall")};
  v1::Statement s = Build();
  EXPECT_EQ(SumOf(s, v1::LINE_KIND_ZONE_SUPPLEMENT), 2600);
  EXPECT_EQ(s.total_ore(), 28600);
}

TEST(AreaTypeValidationTest, NamesTheFieldOfEachMistake) {
  struct Case {
    std::string name;
    void (*change)(v1::RateTable&);
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"unknown area type",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "fjäll", "", 100, 0);
       },
       {"table.categories[0].area_supplements[3].area_type_id",
        "unknown area type 'fjäll'", "tätort, landsbygd, glesbygd"}},
      {"zone in two area types",
       [](v1::RateTable& t) { t.mutable_area_types(2)->add_zone_ids("north"); },
       {"table.area_types[2].zone_ids[2]", "already in area type 'landsbygd'"}},
      {"area type twice",
       [](v1::RateTable& t) { AddArea(t, "landsbygd", {}, false); },
       {"table.area_types[3].area_type_id", "'landsbygd' appears twice"}},
      {"area type without id",
       [](v1::RateTable& t) { AddArea(t, "", {"south"}, false); },
       {"table.area_types[3].area_type_id", "required"}},
      {"supplement twice for an area type",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "landsbygd", "", 100, 0);
       },
       {"table.categories[0].area_supplements[3].area_type_id",
        "'landsbygd' has a supplement already"}},
      {"supplement twice for a zone",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "", "lake", 100, 0);
       },
       {"table.categories[0].area_supplements[3].zone_id",
        "'lake' has a supplement already"}},
      {"both area type and zone",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "tätort", "city", 100, 0);
       },
       {"table.categories[0].area_supplements[3]", "exactly one"}},
      {"neither area type nor zone",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "", "", 100, 0);
       },
       {"table.categories[0].area_supplements[3]", "exactly one"}},
      {"negative basis points",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "tätort", "", -1, 0);
       },
       {"table.categories[0].area_supplements[3].basis_points",
        "from 0 to 100000"}},
      {"basis points over 10x",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "tätort", "", 100001, 0);
       },
       {"table.categories[0].area_supplements[3].basis_points",
        "from 0 to 100000"}},
      {"öre per hour over the limit",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "tätort", "", 0,
                       kMaxRateOre + 1);
       },
       {"table.categories[0].area_supplements[3].ore_per_hour",
        "from 0 to 100000000"}},
      {"negative öre per hour",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(0), "tätort", "", 0, -5);
       },
       {"table.categories[0].area_supplements[3].ore_per_hour"}},
      {"with the registry's zone supplements",
       [](v1::RateTable& t) {
         t.mutable_categories(0)->add_zone_supplements()->set_area(
             v1::ZONE_AREA_RURAL);
       },
       {"table.categories[0].area_supplements", "not both"}},
      {"on granted hours",
       [](v1::RateTable& t) {
         AddSupplement(t.mutable_categories(3), "tätort", "", 100, 0);
       },
       {"table.categories[3].area_supplements",
        "PAYMENT_MODEL_GRANTED_HOURS has neither"}},
  };
  for (const Case& c : cases) {
    v1::RateTable t = ThreeAreaTypes();
    c.change(t);
    EXPECT_TRUE(IsError(ValidateRateTable(t),
                        absl::StatusCode::kInvalidArgument, c.words))
        << c.name;
  }
}

TEST(AreaTypeValidationTest, TheTablesOfTheTestsAreValid) {
  EXPECT_TRUE(ValidateRateTable(ThreeAreaTypes()).ok())
      << ValidateRateTable(ThreeAreaTypes());
  // The zones the table names, for AddRateTable to check against the
  // registry's.
  std::vector<std::string> zones;
  for (const auto& [field, zone] : ZonesNamed(ThreeAreaTypes())) {
    zones.push_back(field + "=" + zone);
  }
  EXPECT_EQ(zones,
            (std::vector<std::string>{
                "table.area_types[0].zone_ids[0]=city",
                "table.area_types[1].zone_ids[0]=north",
                "table.area_types[2].zone_ids[0]=fjall",
                "table.area_types[2].zone_ids[1]=lake",
                "table.categories[0].area_supplements[2].zone_id=lake"}));
}

}  // namespace
}  // namespace lov::settlement
