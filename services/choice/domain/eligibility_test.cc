// Eligibility over the registry's records, the neutral order and zone
// health.
#include "lov/choice/domain/eligibility.h"

#include <gtest/gtest.h>

#include <set>

namespace lov::choice {
namespace {

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

reg::Municipality Norrtalje() {
  reg::Municipality m;
  m.set_municipality_id("0188");
  m.set_stop_intake_on_notice(true);
  m.add_zones()->set_zone_id("north");
  m.add_zones()->set_zone_id("south");
  m.add_categories()->set_category_id("service");
  m.add_categories()->set_category_id("care");
  return m;
}

reg::Provider Approved(const std::string& id,
                       std::vector<std::string> categories = {"service",
                                                              "care"}) {
  reg::Provider p;
  p.set_provider_id(id);
  p.set_name(id);
  for (const auto& c : categories) {
    auto* a = p.add_approvals();
    a->set_zone_id("north");
    a->set_category_id(c);
    a->set_effective_from("2025-01-01");
  }
  return p;
}

TEST(StandingOf, ApprovedAcceptingAndUnderItsCapIsSelectable) {
  Standing s = StandingOf(Norrtalje(), Approved("a"), "north",
                          {"service", "care"}, D(2025, 3, 1), 0);
  EXPECT_TRUE(s.approved);
  EXPECT_TRUE(s.selectable);
  EXPECT_TRUE(s.reasons.empty());
  EXPECT_EQ(s.approved_from, "2025-01-01");
}

TEST(StandingOf, MustBeApprovedForEveryCategoryInTheZone) {
  Standing s = StandingOf(Norrtalje(), Approved("a", {"service"}), "north",
                          {"service", "care"}, D(2025, 3, 1), 0);
  EXPECT_FALSE(s.selectable);
  ASSERT_EQ(s.reasons.size(), 1u);
  EXPECT_EQ(s.reasons[0], "not approved for care in zone north on 2025-03-01");
  // Per category, the service part alone is fine.
  EXPECT_TRUE(StandingOf(Norrtalje(), Approved("a", {"service"}), "north",
                         {"service"}, D(2025, 3, 1), 0)
                  .selectable);
  EXPECT_FALSE(StandingOf(Norrtalje(), Approved("a"), "south", {"service"},
                          D(2025, 3, 1), 0)
                   .selectable);
  // Not before the approval starts.
  EXPECT_FALSE(StandingOf(Norrtalje(), Approved("a"), "north", {"service"},
                          D(2024, 12, 31), 0)
                   .selectable);
}

TEST(StandingOf, AtItsCapIsNotSelectable) {
  reg::Provider p = Approved("a");
  auto* cap = p.add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(true);
  cap->set_max_clients(2);
  Standing one =
      StandingOf(Norrtalje(), p, "north", {"service"}, D(2025, 3, 1), 1);
  EXPECT_TRUE(one.selectable);
  EXPECT_TRUE(one.capped);
  EXPECT_EQ(one.max_clients, 2);
  Standing full =
      StandingOf(Norrtalje(), p, "north", {"service"}, D(2025, 3, 1), 2);
  EXPECT_FALSE(full.selectable);
  EXPECT_EQ(full.reasons,
            std::vector<std::string>{"at capacity cap 2 (2 clients)"});
}

TEST(StandingOf, AnHoursCapCountsTheClientsGrantedHours) {
  reg::Provider p = Approved("a");
  auto* cap = p.add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(false);  // any number of clients, but at most 100 h a month
  cap->set_max_hours_per_month(100);
  // 90 h held; a client granted 10 h fits exactly, one granted 10.5 h not.
  Standing fits = StandingOf(Norrtalje(), p, "north", {"service"},
                             D(2025, 3, 1), Occupancy(30, 90 * 60), 10 * 60);
  EXPECT_TRUE(fits.selectable);
  EXPECT_FALSE(fits.capped);
  EXPECT_EQ(fits.max_minutes, 6000);
  EXPECT_EQ(fits.limits().max_clients, -1);
  EXPECT_EQ(fits.limits().max_minutes, 6000);
  Standing over = StandingOf(Norrtalje(), p, "north", {"service"},
                             D(2025, 3, 1), Occupancy(30, 90 * 60), 630);
  EXPECT_FALSE(over.selectable);
  EXPECT_EQ(over.reasons,
            std::vector<std::string>{
                "at hours cap 100 h a month (90 h granted to its clients in "
                "the zone, this client 10.5 h)"});
  // Without a client (zone health): full only when the hours are all held.
  EXPECT_TRUE(StandingOf(Norrtalje(), p, "north", {"service"}, D(2025, 3, 1),
                         Occupancy(30, 99 * 60))
                  .selectable);
  EXPECT_FALSE(StandingOf(Norrtalje(), p, "north", {"service"}, D(2025, 3, 1),
                          Occupancy(30, 100 * 60))
                   .selectable);
  // Uncapped providers have no limits.
  Standing free = StandingOf(Norrtalje(), Approved("b"), "north", {"service"},
                             D(2025, 3, 1), Occupancy(500, 900000), 6000);
  EXPECT_TRUE(free.selectable);
  EXPECT_EQ(free.limits().max_clients, -1);
  EXPECT_EQ(free.limits().max_minutes, -1);
}

TEST(StandingOf, ClientAndHoursCapsBothApply) {
  reg::Provider p = Approved("a");
  auto* cap = p.add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(true);
  cap->set_max_clients(10);
  cap->set_max_hours_per_month(50);
  Standing s = StandingOf(Norrtalje(), p, "north", {"service"}, D(2025, 3, 1),
                          Occupancy(10, 50 * 60), 60);
  EXPECT_FALSE(s.selectable);
  EXPECT_EQ(s.reasons.size(), 2u);  // both named
  EXPECT_EQ(s.limits().max_clients, 10);
  EXPECT_EQ(s.limits().max_minutes, 3000);
}

TEST(HoursText, WholeHoursOrOneDecimal) {
  EXPECT_EQ(HoursText(720), "12");
  EXPECT_EQ(HoursText(750), "12.5");
  EXPECT_EQ(HoursText(0), "0");
}

TEST(StandingOf, PausedSuspendedOrLeavingIsNotSelectable) {
  reg::Provider paused = Approved("a");
  paused.add_pauses()->set_paused(true);
  Standing s =
      StandingOf(Norrtalje(), paused, "north", {"service"}, D(2025, 3, 1), 0);
  EXPECT_FALSE(s.selectable);
  EXPECT_EQ(s.reasons,
            std::vector<std::string>{"intake paused by the provider"});

  reg::Provider suspended = Approved("b");
  auto* sanction = suspended.add_sanctions();
  sanction->set_kind(reg::SANCTION_KIND_SUSPENSION);
  sanction->set_effective_date("2025-02-01");
  EXPECT_FALSE(
      StandingOf(Norrtalje(), suspended, "north", {"service"}, D(2025, 3, 1), 0)
          .selectable);

  reg::Provider leaving = Approved("c");
  auto* notice = leaving.add_notices();
  notice->set_zone_id("north");
  notice->set_given_on("2025-02-01");
  notice->set_effective_date("2025-05-01");
  s = StandingOf(Norrtalje(), leaving, "north", {"service"}, D(2025, 3, 1), 0);
  EXPECT_TRUE(s.approved);
  EXPECT_FALSE(s.selectable);
  EXPECT_EQ(s.reasons,
            std::vector<std::string>{"notice given: leaves 2025-05-01"});
}

TEST(NeutralOrder, IsAPermutationReproducibleFromItsSeed) {
  std::vector<size_t> a = NeutralOrder(7, 42);
  std::set<size_t> all(a.begin(), a.end());
  EXPECT_EQ(all, (std::set<size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(NeutralOrder(7, 42), a);
  EXPECT_TRUE(NeutralOrder(0, 1).empty());
  EXPECT_EQ(NeutralOrder(1, 1), std::vector<size_t>{0});
  int different = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    different += NeutralOrder(7, seed) != a;
  }
  EXPECT_GE(different, 18);
}

TEST(NeutralOrder, FavoursNoProvider) {
  // Over 6000 seeds each of 3 providers comes first about 2000 times.
  std::vector<int> first(3, 0);
  for (uint64_t seed = 1; seed <= 6000; ++seed)
    ++first[NeutralOrder(3, seed)[0]];
  for (int count : first) {
    EXPECT_GT(count, 1800);
    EXPECT_LT(count, 2200);
  }
}

TEST(ZoneHealthOf, FewerThanTwoSelectableIsNoRealChoice) {
  reg::Provider a = Approved("a");
  reg::Provider b = Approved("b", {"service"});
  reg::Provider c = Approved("c");
  c.add_pauses()->set_paused(true);
  std::vector<v1::ZoneHealth> h =
      ZoneHealthOf(Norrtalje(), {a, b, c}, "north", D(2025, 3, 1),
                   [](const std::string&) { return 0; });
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].category_id(), "service");
  EXPECT_EQ(h[0].selectable_providers(), 2);
  EXPECT_FALSE(h[0].no_real_choice());
  EXPECT_EQ(h[1].category_id(), "care");
  EXPECT_EQ(h[1].selectable_providers(), 1);
  EXPECT_TRUE(h[1].no_real_choice());
  EXPECT_EQ(h[1].as_of(), "2025-03-01");
}

}  // namespace
}  // namespace lov::choice
