// Travel compensation per km (issue 18 item 2): the visit's reported
// distance (travel_metres) paid at the category's travel_per_km in the
// zones of sparse area types, on a TRAVEL_DISTANCE line of öre per km x
// metres / 1000, rounded once per line, half away from zero. Expected öre
// are worked out by hand in the comments; January 2024 is CET, so 08:00Z is
// 09:00 in Stockholm (day band).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "lov/settlement/domain/compensation.h"
#include "lov/settlement/domain/export.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_rate_builder.h"
#include "lov/settlement/domain/test_rates.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using testing::AddAreaType;
using testing::January2024;
using testing::MakeVisit;
using testing::Price;

// January 2024's rates (personal care 516 kr/h by day, 485 in-house) with
// city in tätort and fjall in glesbygd (sparse), and personal care paying
// 3.50 kr per km travelled (3.00 in-house).
v1::RateTable PerKm() {
  v1::RateTable t = January2024();
  AddAreaType(t, "tätort", {"city"});
  AddAreaType(t, "glesbygd", {"fjall"}, /*sparse=*/true);
  *t.mutable_categories(0)->mutable_travel_per_km() = Price(350, 300);
  return t;
}

// Personal care 09:00-10:00 Stockholm on 17 January (+ `hour` hours), in
// `zone`, `metres` travelled.
visits::v1::Visit Care(const std::string& id, const std::string& zone,
                       uint32_t metres, int hour = 0) {
  visits::v1::Visit v = MakeVisit(
      id, "personal-care", absl::StrFormat("2024-01-17T%02d:00:00Z", 8 + hour),
      absl::StrFormat("2024-01-17T%02d:00:00Z", 9 + hour), zone);
  v.set_travel_metres(metres);
  return v;
}

class TravelDistanceTest : public ::testing::Test {
 protected:
  TravelDistanceTest() : book_({PerKm()}) {
    input_.provider_id = "prv-a";
    input_.period = absl::CivilMonth(2024, 1);
    input_.rates = &book_;
  }

  void Use(const v1::RateTable& table) {
    book_ = RateBook({table});
    input_.rates = &book_;
  }

  v1::Statement Build() {
    absl::StatusOr<v1::Statement> s = BuildStatement(input_);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : v1::Statement();
  }

  static std::vector<const v1::StatementLine*> Lines(const v1::Statement& s,
                                                     v1::LineKind kind) {
    std::vector<const v1::StatementLine*> out;
    for (const auto& l : s.lines()) {
      if (l.kind() == kind) out.push_back(&l);
    }
    return out;
  }

  RateBook book_;
  StatementInput input_;
};

TEST_F(TravelDistanceTest, PaysTheMetresOfPerformedVisitsInSparseZones) {
  // fjall: 12 345 m and 8 000 m, one line of 20 345 m: 350 x 20 345 / 1000
  // = 7 120.75 -> 7 121 öre. Not paid: 5 000 m in city (not sparse), 3 000
  // m of a visit the client was absent for. Performed time 3 x 1 h by day
  // = 3 x 51 600 = 154 800. Total 161 921 öre.
  visits::v1::Visit absent = Care("v4", "fjall", 3000, 6);
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  input_.visits = {Care("v1", "fjall", 12345), Care("v2", "fjall", 8000, 2),
                   Care("v3", "city", 5000, 4), absent};
  v1::Statement s = Build();
  const auto travel = Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE);
  ASSERT_EQ(travel.size(), 1u);
  const v1::StatementLine& t = *travel[0];
  EXPECT_EQ(t.category_id(), "personal-care");
  EXPECT_EQ(t.zone_id(), "fjall");
  EXPECT_EQ(t.band(), v1::BAND_UNSPECIFIED);
  EXPECT_EQ(t.unit_rate_ore(), 350);
  EXPECT_EQ(t.quantity(), 20345);
  EXPECT_EQ(t.quantity_per_unit(), 1000);
  EXPECT_EQ(t.multiplier_bp(), 10000);
  EXPECT_EQ(t.amount_ore(), 7121);
  EXPECT_EQ(std::vector<std::string>(t.sources().begin(), t.sources().end()),
            (std::vector<std::string>{"v1@1", "v2@1"}));
  EXPECT_EQ(t.description(),
            "Travel compensation per km, sparse area (reseersättning per km)");
  EXPECT_TRUE(Lines(s, v1::LINE_KIND_TRAVEL).empty());
  EXPECT_EQ(s.total_ore(), 161921);
  // In-house: 3 x 48 500 = 145 500; 300 x 20 345 / 1000 = 6 103.5, exactly
  // half, rounded away from zero to 6 104. 151 604 öre.
  input_.in_house = true;
  v1::Statement own = Build();
  ASSERT_EQ(Lines(own, v1::LINE_KIND_TRAVEL_DISTANCE).size(), 1u);
  EXPECT_EQ(Lines(own, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->amount_ore(), 6104);
  EXPECT_EQ(own.total_ore(), 151604);
}

TEST_F(TravelDistanceTest, IsRoundedOnceOnTheWholeLineNotPerVisit) {
  // Two visits of 1 001 m: each alone would be 350.35 -> 350, together
  // 700; the line of 2 002 m is 700.7 -> 701 öre. 2 x 51 600 + 701 =
  // 103 901.
  input_.visits = {Care("v1", "fjall", 1001), Care("v2", "fjall", 1001, 2)};
  v1::Statement s = Build();
  ASSERT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE).size(), 1u);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->quantity(), 2002);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->amount_ore(), 701);
  EXPECT_EQ(s.total_ore(), 103901);
  // 10 m alone: 3.5 öre, half, away from zero: 4.
  input_.visits = {Care("v1", "fjall", 10)};
  EXPECT_EQ(Lines(Build(), v1::LINE_KIND_TRAVEL_DISTANCE)[0]->amount_ore(), 4);
  // No distance reported: no travel line.
  input_.visits = {Care("v1", "fjall", 0)};
  EXPECT_TRUE(Lines(Build(), v1::LINE_KIND_TRAVEL_DISTANCE).empty());
}

TEST_F(TravelDistanceTest, AVoidedVisitTakesItsTravelOut) {
  // January is approved; v1 (fjall, 1 h, 12 345 m) is voided late. February
  // books the adjustment: -51 600 performed and -12 345 m: 350 x -12 345 /
  // 1000 = -4 320.75 -> -4 321 (away from zero). -55 921 öre.
  input_.period = absl::CivilMonth(2024, 2);
  const visits::v1::Visit paid = Care("v1", "fjall", 12345);
  input_.adjustments = {Adjustment{.adjustment_id = "e1",
                                   .adjusts_period = "2024-01",
                                   .previous = paid,
                                   .current = std::nullopt}};
  v1::Statement s = Build();
  const auto travel = Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE);
  ASSERT_EQ(travel.size(), 1u);
  EXPECT_EQ(travel[0]->adjusts_period(), "2024-01");
  EXPECT_EQ(travel[0]->quantity(), -12345);
  EXPECT_EQ(travel[0]->amount_ore(), -4321);
  EXPECT_EQ(std::vector<std::string>(travel[0]->sources().begin(),
                                     travel[0]->sources().end()),
            std::vector<std::string>{"-v1@1"});
  EXPECT_EQ(s.total_ore(), -55921);

  // Corrected instead, the distance only (12 345 -> 20 000 m): the time nets
  // to 0 and the travel pays the 7 655 m more: 2 679.25 -> 2 679 öre.
  visits::v1::Visit longer = Care("v1", "fjall", 20000);
  longer.set_version(2);
  input_.adjustments[0].current = longer;
  s = Build();
  ASSERT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE).size(), 1u);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->quantity(), 7655);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->amount_ore(), 2679);
  EXPECT_EQ(s.total_ore(), 2679);
}

TEST_F(TravelDistanceTest, PerKmAndPerVisitArePaidSideBySide) {
  // 75 kr per visit too: 51 600 + 7 500 + 350 x 12 345 / 1000 (4 320.75 ->
  // 4 321) = 63 421 öre on three lines.
  v1::RateTable t = PerKm();
  *t.mutable_categories(0)->mutable_travel_per_visit() = Price(7500, 7500);
  Use(t);
  input_.visits = {Care("v1", "fjall", 12345)};
  v1::Statement s = Build();
  EXPECT_EQ(s.lines_size(), 3);
  ASSERT_EQ(Lines(s, v1::LINE_KIND_TRAVEL).size(), 1u);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL)[0]->amount_ore(), 7500);
  ASSERT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE).size(), 1u);
  EXPECT_EQ(Lines(s, v1::LINE_KIND_TRAVEL_DISTANCE)[0]->amount_ore(), 4321);
  EXPECT_EQ(s.total_ore(), 63421);
}

TEST_F(TravelDistanceTest, TheExportsNameTheLineAndItsMetres) {
  input_.visits = {Care("v1", "fjall", 12345), Care("v2", "fjall", 8000, 2)};
  const v1::Statement s = Build();
  EXPECT_NE(StatementCsv(s).find(",TRAVEL_DISTANCE,personal-care,fjall,,"
                                 "2024-01-01,,350,20345,1000,10000,7121,"
                                 "71.21,\"Travel compensation per km"),
            std::string::npos)
      << StatementCsv(s);
  EXPECT_NE(StatementJson(s).find("\"kind\":\"TRAVEL_DISTANCE\""),
            std::string::npos);
}

TEST(TravelDistanceValidationTest, ThePerKmRateIsBoundedAndNeedsASparseArea) {
  EXPECT_TRUE(ValidateRateTable(PerKm()).ok()) << ValidateRateTable(PerKm());
  v1::RateTable at_max = PerKm();
  *at_max.mutable_categories(0)->mutable_travel_per_km() =
      Price(kMaxTravelOrePerKm, kMaxTravelOrePerKm);
  EXPECT_TRUE(ValidateRateTable(at_max).ok()) << ValidateRateTable(at_max);
  struct Case {
    std::string name;
    void (*change)(v1::RateTable&);
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"negative",
       [](v1::RateTable& t) {
         *t.mutable_categories(0)->mutable_travel_per_km() = Price(-1, 300);
       },
       {"table.categories[0].travel_per_km", "between 0 and 100000 öre"}},
      {"over 1 000 kr per km",
       [](v1::RateTable& t) {
         *t.mutable_categories(0)->mutable_travel_per_km() =
             Price(350, kMaxTravelOrePerKm + 1);
       },
       {"table.categories[0].travel_per_km", "between 0 and 100000 öre"}},
      {"no sparse area type",
       [](v1::RateTable& t) { t.mutable_area_types(1)->set_sparse(false); },
       {"table.categories[0].travel_per_km",
        "no table.area_types entry is sparse"}},
  };
  for (const Case& c : cases) {
    v1::RateTable t = PerKm();
    c.change(t);
    EXPECT_TRUE(IsError(ValidateRateTable(t),
                        absl::StatusCode::kInvalidArgument, c.words))
        << c.name << ": " << ValidateRateTable(t);
  }
}

}  // namespace
}  // namespace lov::settlement
