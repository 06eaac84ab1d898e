// `lovctl rates list` as a process against the registry and settlement
// services: one row per category of every rate table version, with its
// payment model, its private rate in the unit the model pays (hour, visit,
// day, half day, treatment, support-level day), VAT and the table's bands
// and area types; and the same tables with --json.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lovctl_test_fixture.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;

// Söderå's services as docs/settlement.md gives them, from 2024: the unit
// and day models at their private prices, home nursing per visit (day band
// 260.00 kr), no VAT, the fixed band order.
constexpr char kSoderaRates[] = R"({
  "effective_date": "2024-01-01",
  "bands": {"day_start_minute": 420, "evening_start_minute": 1080,
            "night_start_minute": 1320},
  "support_levels": [
    {"level": "niva-1", "per_day": {"private_ore": 52000, "in_house_ore": 50000}},
    {"level": "niva-2", "per_day": {"private_ore": 78000, "in_house_ore": 75000}}
  ],
  "categories": [
    {"category_id": "dagverksamhet",
     "model": "PAYMENT_MODEL_PER_PARTICIPATION_DAY",
     "unit_price": {"private_ore": 45000, "in_house_ore": 42000}},
    {"category_id": "rehab", "model": "PAYMENT_MODEL_PER_HALF_DAY",
     "unit_price": {"private_ore": 20000, "in_house_ore": 19000},
     "half_day_max_minutes": 240},
    {"category_id": "fysioterapi", "model": "PAYMENT_MODEL_PER_TREATMENT",
     "unit_price": {"private_ore": 65000, "in_house_ore": 60000}},
    {"category_id": "daglig-verksamhet-2",
     "model": "PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL",
     "support_level": "niva-2"},
    {"category_id": "home-nursing", "model": "PAYMENT_MODEL_PER_VISIT",
     "band_rates": [
       {"band": "BAND_DAY", "private_ore": 26000, "in_house_ore": 24500},
       {"band": "BAND_EVENING", "private_ore": 26000, "in_house_ore": 24500},
       {"band": "BAND_NIGHT", "private_ore": 24500, "in_house_ore": 23000},
       {"band": "BAND_WEEKEND", "private_ore": 30000, "in_house_ore": 28000},
       {"band": "BAND_HOLIDAY", "private_ore": 35000, "in_house_ore": 33000}]}
  ]
})";

// From 2025: band rules as data (the night rate on every night, then
// holiday, weekend, evening, day), one area type over Testby's centre zone
// with a 5 % supplement, performed hours at 460.00 kr by day with 25 % VAT.
std::string ZoneRates() {
  return absl::StrCat(R"({
  "effective_date": "2025-01-01",
  "band_rules": )",
                      testing::kNightEveryNightBandRules, R"(,
  "area_types": [{"area_type_id": "tatort", "zone_ids": ["centrum"]}],
  "categories": [{"category_id": "home-help-service",
    "model": "PAYMENT_MODEL_PERFORMED_HOURS", "vat_basis_points": 2500,
    "band_rates": )",
                      testing::kPerformedHoursBandRates, R"(,
    "area_supplements": [{"area_type_id": "tatort", "basis_points": 500}]}]
})");
}

class LovctlRatesTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override {
    StartServices({"registry", "settlement"});
    WriteFile("setup.json", kSetup);
    WriteFile("sodera.json", kSoderaRates);
    WriteFile("zones.json", ZoneRates());
  }

  // Finance adds and lists the rates; the registry officer sets Testby up.
  Role DefaultRole(const std::vector<std::string>& args) const override {
    return args[0] == "rates" ? auth::v1::ROLE_FINANCE
                              : auth::v1::ROLE_REGISTRY_OFFICER;
  }

  // The number of lines of `out` that match `row` as a whole line.
  static int Rows(const std::string& out, const std::string& row) {
    const std::regex line("(^|\n)" + row + "\n");
    return static_cast<int>(
        std::distance(std::sregex_iterator(out.begin(), out.end(), line),
                      std::sregex_iterator()));
  }
};

TEST_F(LovctlRatesTest, ListShowsEveryVersionsModelsRatesVatAndBands) {
  std::string out = Ok({"rates", "list"});
  EXPECT_EQ(out, "FROM  CATEGORY  MODEL  RATE (PRIVATE)  VAT  BANDS\n(none)\n");

  Ok({"rates", "add", "--file", dir_ + "/sodera.json"});
  // The 2025 table names the centre zone: settlement must have it from the
  // registry first.
  TwoApprovedProviders();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(Eventually([&] {
    return Lovctl({"rates", "add", "--file", dir_ + "/zones.json"}).exit_code ==
           0;
  })) << Lovctl({"rates", "add", "--file", dir_ + "/zones.json"}).output;

  out = Ok({"rates", "list"});
  const std::string fixed = "holiday > weekend > night > evening > day";
  EXPECT_EQ(Rows(out, "FROM +CATEGORY +MODEL +RATE \\(PRIVATE\\) +VAT +BANDS"),
            1)
      << out;
  // Each unit model at its unit's price, the support level named.
  EXPECT_EQ(Rows(out,
                 "2024-01-01 +dagverksamhet +PER_PARTICIPATION_DAY +"
                 "450\\.00/day +0 % +" +
                     fixed),
            1)
      << out;
  EXPECT_EQ(Rows(out,
                 "2024-01-01 +rehab +PER_HALF_DAY +200\\.00/half day +"
                 "0 % +" +
                     fixed),
            1)
      << out;
  EXPECT_EQ(Rows(out,
                 "2024-01-01 +fysioterapi +PER_TREATMENT +"
                 "650\\.00/treatment +0 % +" +
                     fixed),
            1)
      << out;
  EXPECT_EQ(Rows(out,
                 "2024-01-01 +daglig-verksamhet-2 +"
                 "PER_DAY_BY_SUPPORT_LEVEL +780\\.00/day \\(niva-2\\) +"
                 "0 % +" +
                     fixed),
            1)
      << out;
  // Per visit and performed hours at the day band's rate.
  EXPECT_EQ(
      Rows(out, "2024-01-01 +home-nursing +PER_VISIT +260\\.00 +0 % +" + fixed),
      1)
      << out;
  // Band rules as data: the number of windows and the band that wins
  // first; the table's area types; VAT in per cent.
  EXPECT_EQ(Rows(out,
                 "2025-01-01 +home-help-service +PERFORMED_HOURS +"
                 "460\\.00 +25 % +6 windows, night first; 1 area types"),
            1)
      << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 7) << out;

  // --json: the tables themselves, field names as in the proto.
  out = Ok({"rates", "list", "--json"});
  EXPECT_TRUE(
      std::regex_search(out, std::regex("\"effective_date\": *\"2024-01-01\"")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\"level\": *\"niva-2\"")))
      << out;
  EXPECT_TRUE(
      std::regex_search(out, std::regex("\"area_type_id\": *\"tatort\"")))
      << out;
  EXPECT_FALSE(Has(out, "RATE (PRIVATE)")) << out;
}

}  // namespace
}  // namespace lov
