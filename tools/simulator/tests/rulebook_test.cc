// The demo's rulebook (rulebook.cc) as settlement itself validates and
// prices it, and the simulator's own count of what it must pay beyond
// hours (extras.cc) against settlement's statement. Expected öre worked out
// by hand in the comments; January 2025 is CET, so 09:00Z is 10:00 in
// Stockholm (day band), and the 15th and 16th are a Wednesday and Thursday.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "lov/platform/proto_util.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/visits/v1/events.pb.h"
#include "simulator.h"

namespace lov::sim {
namespace {

absl::Time Utc(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &error)) << error;
  return t;
}

// A report as the simulator sends it and the visit settlement keeps of it.
struct Sent {
  vis::VisitReport report;
  vis::Visit visit;
};
Sent Visit(const std::string& id, const std::string& client,
           const std::string& category, const std::string& zone,
           const std::string& start, const std::string& end, uint32_t metres) {
  Sent s;
  s.report.set_report_id(id);
  s.report.set_provider_id("prv-a");
  s.report.set_client_id(client);
  s.report.set_category_id(category);
  *s.report.mutable_start() = ToProtoTime(Utc(start));
  *s.report.mutable_end() = ToProtoTime(Utc(end));
  s.report.set_status(vis::VISIT_STATUS_PERFORMED);
  s.report.set_travel_metres(metres);
  s.visit.set_visit_id("prv-a/" + id);
  s.visit.set_provider_id("prv-a");
  s.visit.set_client_id(client);
  s.visit.set_category_id(category);
  *s.visit.mutable_start() = s.report.start();
  *s.visit.mutable_end() = s.report.end();
  s.visit.set_status(vis::VISIT_STATUS_PERFORMED);
  s.visit.set_zone_id(zone);
  s.visit.set_version(1);
  s.visit.set_travel_metres(metres);
  return s;
}

TEST(RulebookTest, TheDemoTableIsValidAndNamesTheTownsZonesAndCategories) {
  const set::RateTable table = DemoRateTable(absl::CivilDay(2024, 1, 1));
  EXPECT_TRUE(settlement::ValidateRateTable(table).ok())
      << settlement::ValidateRateTable(table);
  std::vector<std::string> zones, sparse;
  for (const auto& a : table.area_types()) {
    for (const auto& z : a.zone_ids()) {
      zones.push_back(z);
      if (a.sparse()) sparse.push_back(z);
    }
  }
  const reg::Municipality town = Norrtalje();
  std::vector<std::string> town_zones;
  for (const auto& z : town.zones()) town_zones.push_back(z.zone_id());
  std::sort(zones.begin(), zones.end());
  std::sort(town_zones.begin(), town_zones.end());
  EXPECT_EQ(zones, town_zones);
  EXPECT_EQ(sparse, (std::vector<std::string>{"norra", "vaddo"}));
  // Every category the table prices is one of the town's.
  for (const auto& c : table.categories()) {
    bool known = false;
    for (const auto& t : town.categories())
      known |= t.category_id() == c.category_id();
    EXPECT_TRUE(known) << c.category_id();
  }
}

TEST(RulebookTest, ADemoMonthPricedByHandAndCountedOnTheSimulatorsSide) {
  // Client v in Väddö (sparse): personal care 30 min on the 15th (12 345
  // m driven) and 1 h on the 16th (8 000 m). Client s in town: service 1 h
  // on the 15th (2 000 m, in town: not paid). Client d: day activities at
  // level niva-2, with the provider from the 10th.
  const std::vector<Sent> sent = {
      Visit("r1", "v", "home-help-personal-care", "vaddo",
            "2025-01-15T09:00:00Z", "2025-01-15T09:30:00Z", 12345),
      Visit("r2", "v", "home-help-personal-care", "vaddo",
            "2025-01-16T09:00:00Z", "2025-01-16T10:00:00Z", 8000),
      Visit("r3", "s", "home-help-service", "stad", "2025-01-15T08:30:00Z",
            "2025-01-15T09:30:00Z", 2000)};
  const settlement::RateBook book({DemoRateTable(absl::CivilDay(2024, 1, 1))});
  settlement::StatementInput input;
  input.provider_id = "prv-a";
  input.period = absl::CivilMonth(2025, 1);
  input.rates = &book;
  input.zone_areas = {{"vaddo", set::ZONE_AREA_RURAL},
                      {"stad", set::ZONE_AREA_URBAN}};
  for (const Sent& s : sent) input.visits.push_back(s.visit);
  cho::Assignment a;
  a.set_assignment_id("as-d");
  a.set_client_id("d");
  a.set_provider_id("prv-a");
  a.set_zone_id("stad");
  a.add_category_ids(kDayActivity);
  a.set_valid_from("2025-01-10");
  input.assignments = {a};
  cho::Decision decision;
  decision.set_decision_id("bb-d");
  decision.set_valid_from("2024-12-01");
  decision.set_decided_on("2024-12-01");
  auto* granted = decision.add_categories();
  granted->set_category_id(kDayActivity);
  granted->set_minutes_per_month(1200);
  granted->set_support_level("niva-2");
  input.decisions_by_client["d"] = {decision};
  absl::StatusOr<set::Statement> s = settlement::BuildStatement(input);
  ASSERT_TRUE(s.ok()) << s.status();
  // Personal care 1.5 h x 516 kr = 77 400 öre, 5 % rural supplement 3 870,
  // travel 20 345 m x 3.50 kr/km = 7 120.75 -> 7 121; service 1 h x 450 kr
  // = 45 000 and 25 % VAT 11 250; day activities 22 days (10th-31st) x
  // 320 kr = 704 000. 848 641 öre.
  std::map<set::LineKind, int64_t> by_kind;
  for (const auto& l : s->lines()) by_kind[l.kind()] += l.amount_ore();
  EXPECT_EQ(by_kind[set::LINE_KIND_PERFORMED_TIME], 77400 + 45000);
  EXPECT_EQ(by_kind[set::LINE_KIND_ZONE_SUPPLEMENT], 3870);
  EXPECT_EQ(by_kind[set::LINE_KIND_TRAVEL_DISTANCE], 7121);
  EXPECT_EQ(by_kind[set::LINE_KIND_VAT], 11250);
  EXPECT_EQ(by_kind[set::LINE_KIND_SUPPORT_LEVEL_DAY], 704000);
  EXPECT_EQ(s->total_ore(), 848641);

  // The summary's check: what the lines pay beyond hours is what the
  // simulator counts from its reports and clients (d all month here, so
  // 31 days; from the 10th settlement pays 22).
  const Extras paid = ExtrasPaid(*s);
  EXPECT_EQ(paid.travel_metres, 20345);
  EXPECT_EQ(paid.level_days, (std::map<std::string, int64_t>{{"niva-2", 22}}));
  std::vector<SimClient> clients(3);
  clients[0] = {.client_id = "v", .zone = "vaddo", .provider_id = "prv-a"};
  clients[1] = {.client_id = "s", .zone = "stad", .provider_id = "prv-a"};
  clients[2] = {.client_id = "d",
                .zone = "stad",
                .provider_id = "prv-a",
                .day_activity_minutes = 1200,
                .support_level = "niva-2"};
  std::vector<vis::VisitReport> reports;
  for (const Sent& r : sent) reports.push_back(r.report);
  const Extras expected =
      ExtrasExpected("prv-a", reports, clients, absl::CivilMonth(2025, 1));
  EXPECT_EQ(expected.travel_metres, 20345);
  EXPECT_EQ(expected.level_days,
            (std::map<std::string, int64_t>{{"niva-2", 31}}));
  EXPECT_FALSE(paid == expected);  // d came on the 10th: the check sees it
  EXPECT_TRUE(ExtrasExpected("prv-b", reports, clients,
                             absl::CivilMonth(2025, 1)) == Extras{});
}

// Adjustment lines of an earlier month are not this month's travel.
TEST(RulebookTest, AdjustmentsAreNotCountedAsTheMonthsTravel) {
  set::Statement s;
  auto* now = s.add_lines();
  now->set_kind(set::LINE_KIND_TRAVEL_DISTANCE);
  now->set_quantity(5000);
  auto* late = s.add_lines();
  late->set_kind(set::LINE_KIND_TRAVEL_DISTANCE);
  late->set_quantity(-1200);
  late->set_adjusts_period("2024-12");
  EXPECT_EQ(ExtrasPaid(s).travel_metres, 5000);
}

}  // namespace
}  // namespace lov::sim
