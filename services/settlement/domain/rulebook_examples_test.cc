// docs/settlement.md's worked example of two municipalities' area types and
// compensation models, with the JSON as written there (the format of
// `lovctl rates add --file`), priced to the öre worked out there by hand.
#include <gtest/gtest.h>

#include <string>

#include "google/protobuf/util/json_util.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::MakeVisit;

constexpr char kNorrby[] = R"({
  "effective_date": "2024-01-01",
  "bands": {"day_start_minute": 420, "evening_start_minute": 1080,
            "night_start_minute": 1320},
  "area_types": [
    {"area_type_id": "tätort", "zone_ids": ["centrum", "soder"]},
    {"area_type_id": "landsbygd", "zone_ids": ["norr"]},
    {"area_type_id": "glesbygd", "zone_ids": ["fjall", "skargard"],
     "sparse": true}
  ],
  "categories": [
    {"category_id": "personal-care", "model": "PAYMENT_MODEL_PERFORMED_HOURS",
     "band_rates": [
       {"band": "BAND_DAY", "private_ore": 51600, "in_house_ore": 48500},
       {"band": "BAND_EVENING", "private_ore": 60000, "in_house_ore": 56000},
       {"band": "BAND_NIGHT", "private_ore": 70000, "in_house_ore": 66000},
       {"band": "BAND_WEEKEND", "private_ore": 65000, "in_house_ore": 61000},
       {"band": "BAND_HOLIDAY", "private_ore": 80000, "in_house_ore": 75000}],
     "double_staffing_basis_points": 20000,
     "area_supplements": [
       {"area_type_id": "landsbygd", "basis_points": 500},
       {"area_type_id": "glesbygd", "basis_points": 1000, "ore_per_hour": 2000},
       {"zone_id": "skargard", "basis_points": 1500}],
     "supplements_on_double_staffing": true,
     "travel_per_visit": {"private_ore": 7500, "in_house_ore": 7500},
     "indirect_time": {"basis_points": 300}}
  ]
})";

constexpr char kSodera[] = R"({
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
       {"band": "BAND_HOLIDAY", "private_ore": 35000, "in_house_ore": 33000}],
     "indirect_time": {"ore_per_hour": 6000}}
  ]
})";

v1::RateTable Parse(const char* json) {
  v1::RateTable t;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &t);
  EXPECT_TRUE(parsed.ok()) << parsed.message();
  absl::Status valid = ValidateRateTable(t);
  EXPECT_TRUE(valid.ok()) << valid;
  return t;
}

visits::v1::Visit Visit(const std::string& id, const std::string& category,
                        const std::string& client, const std::string& start,
                        const std::string& end,
                        const std::string& zone = "centrum") {
  visits::v1::Visit v = MakeVisit(id, category, start, end, zone);
  v.set_client_id(client);
  return v;
}

absl::StatusOr<v1::Statement> January(const RateBook& book,
                                      StatementInput input) {
  input.provider_id = "prv-a";
  input.period = absl::CivilMonth(2024, 1);
  input.rates = &book;
  return BuildStatement(input);
}

TEST(RulebookExamplesTest, NorrbyTwoStaffOnASaturdayInTheArchipelago) {
  // Sat 20 Jan 2024 10:00-11:30, two staff, in skargard (glesbygd, whose
  // own 15 % replaces glesbygd's 10 % + 20 kr/h): weekend 1.5 h x 650 kr =
  // 97 500; the second person 97 500; 15 % on each 14 625 + 14 625;
  // travel 75 kr; indirect time 3 % of 97 500 = 2 925. 234 675 öre.
  const RateBook book({Parse(kNorrby)});
  visits::v1::Visit v =
      Visit("v1", "personal-care", "c1", "2024-01-20T09:00:00Z",
            "2024-01-20T10:30:00Z", "skargard");
  v.set_double_staffing(true);
  StatementInput in;
  in.visits = {v};
  absl::StatusOr<v1::Statement> s = January(book, in);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->lines_size(), 6);
  EXPECT_EQ(s->total_ore(), 234675);
}

TEST(RulebookExamplesTest, SoderaMonthOfDayModels) {
  // dagverksamhet: client a on 8, 9 and 10 Jan: 3 x 450 = 135 000;
  // rehab: b 3 h on 8 Jan (one half day), 5 h on 9 Jan (two): 3 x 200 =
  // 60 000; fysioterapi: 2 treatments x 650 = 130 000; level 2: c
  // assigned 10-20 Jan, 11 days x 780 = 858 000; home nursing: one visit
  // by day, 30 min: 260 + indirect 60 kr/h x 0.5 h = 26 000 + 3 000.
  // 1 212 000 öre (12 120.00 kr).
  const RateBook book({Parse(kSodera)});
  StatementInput in;
  in.visits = {
      Visit("a1", "dagverksamhet", "a", "2024-01-08T08:00:00Z",
            "2024-01-08T14:00:00Z"),
      Visit("a2", "dagverksamhet", "a", "2024-01-09T08:00:00Z",
            "2024-01-09T14:00:00Z"),
      Visit("a3", "dagverksamhet", "a", "2024-01-10T08:00:00Z",
            "2024-01-10T14:00:00Z"),
      Visit("b1", "rehab", "b", "2024-01-08T08:00:00Z", "2024-01-08T11:00:00Z"),
      Visit("b2", "rehab", "b", "2024-01-09T08:00:00Z", "2024-01-09T13:00:00Z"),
      Visit("f1", "fysioterapi", "b", "2024-01-11T08:00:00Z",
            "2024-01-11T08:45:00Z"),
      Visit("f2", "fysioterapi", "b", "2024-01-18T08:00:00Z",
            "2024-01-18T08:45:00Z"),
      Visit("n1", "home-nursing", "d", "2024-01-12T08:00:00Z",
            "2024-01-12T08:30:00Z")};
  choice::v1::Assignment c;
  c.set_assignment_id("asg-c");
  c.set_client_id("c");
  c.set_provider_id("prv-a");
  c.set_zone_id("centrum");
  c.add_category_ids("daglig-verksamhet-2");
  c.set_valid_from("2024-01-10");
  c.set_valid_to("2024-01-20");
  in.assignments = {c};
  absl::StatusOr<v1::Statement> s = January(book, in);
  ASSERT_TRUE(s.ok()) << s.status();
  int64_t by_kind[15] = {};
  for (const auto& l : s->lines()) by_kind[l.kind()] += l.amount_ore();
  EXPECT_EQ(by_kind[v1::LINE_KIND_PARTICIPATION_DAY], 135000);
  EXPECT_EQ(by_kind[v1::LINE_KIND_HALF_DAY], 60000);
  EXPECT_EQ(by_kind[v1::LINE_KIND_TREATMENT], 130000);
  EXPECT_EQ(by_kind[v1::LINE_KIND_SUPPORT_LEVEL_DAY], 858000);
  EXPECT_EQ(by_kind[v1::LINE_KIND_VISITS], 26000);
  EXPECT_EQ(by_kind[v1::LINE_KIND_INDIRECT_TIME], 3000);
  EXPECT_EQ(s->total_ore(), 1212000);
}

}  // namespace
}  // namespace lov::settlement
