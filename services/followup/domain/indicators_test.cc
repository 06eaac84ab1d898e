// Indicators per provider and zone as of Monday 2025-04-07, over a small
// hand-made municipality; every expected value is counted by hand in the
// comments. Continuity period: 2025-03-24 .. 2025-04-06 (14 days);
// 12 months: 2024-04-08 .. 2025-04-07.
#include "lov/followup/domain/indicators.h"

#include <gtest/gtest.h>

#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

const absl::CivilDay kAsOf(2025, 4, 7);
const absl::CivilDay kFrom(2025, 3, 24);

absl::Time At(int day, int hour) {
  const absl::CivilDay d = kFrom + day;
  return FromStockholm(
      absl::CivilSecond(d.year(), d.month(), d.day(), hour, 0, 0));
}

Listing Listed(std::string client, std::string provider, std::string zone,
               absl::CivilDay from, std::optional<absl::CivilDay> to = {}) {
  return {std::move(client), std::move(provider), std::move(zone), from, to};
}

v1::Complaint ComplaintOf(std::string provider, std::string client,
                          std::string received) {
  v1::Complaint c;
  c.set_provider_id(std::move(provider));
  c.set_client_id(std::move(client));
  c.set_received_date(std::move(received));
  return c;
}

v1::Deviation DeviationOf(std::string provider, std::string client,
                          std::string reported) {
  v1::Deviation d;
  d.set_provider_id(std::move(provider));
  d.set_client_id(std::move(client));
  d.set_reported_date(std::move(reported));
  return d;
}

IndicatorInputs Municipality() {
  IndicatorInputs in;
  // Assignments. On 2025-04-07: prv-a has c1 and c3 (both north; c3's
  // starts that day), prv-b has c2 (south; moved from prv-a on Apr 1),
  // the in-house unit prv-home has c5 (north). c4's ended the day before.
  in.listings = {
      Listed("c1", "prv-a", "north", absl::CivilDay(2025, 1, 1)),
      Listed("c2", "prv-a", "south", absl::CivilDay(2025, 1, 1),
             absl::CivilDay(2025, 3, 31)),
      Listed("c2", "prv-b", "south", absl::CivilDay(2025, 4, 1)),
      Listed("c3", "prv-a", "north", absl::CivilDay(2025, 4, 7)),
      Listed("c4", "prv-a", "south", absl::CivilDay(2024, 1, 1),
             absl::CivilDay(2025, 4, 6)),
      Listed("c5", "prv-home", "north", absl::CivilDay(2024, 6, 1)),
  };
  for (int day = 0; day < 14; ++day) {
    // c1 at prv-a (north): 28 day visits, staff s1 (week 1), s2 (week 2)
    // and s3 in the evenings: 3 staff. One evening visit with exceptions.
    in.visits.push_back(
        {"prv-a", "c1", {day < 7 ? "s1" : "s2"}, At(day, 8), true, false});
    in.visits.push_back({"prv-a", "c1", {"s3"}, At(day, 17), true, day == 3});
    // c2: prv-a (south) Mar 24..31 = 8 visits, prv-b (south) Apr 1..6 =
    // 6 visits; too few to count for continuity at either.
    in.visits.push_back(
        {day < 8 ? "prv-a" : "prv-b", "c2", {"s1"}, At(day, 9), true, false});
  }
  // c9 has no assignment with prv-a: all-zones row only, with exceptions.
  in.visits.push_back({"prv-a", "c9", {"s7"}, At(2, 10), true, true});
  // Outside the 14 days: on as_of itself and the day before the period.
  in.visits.push_back({"prv-a", "c1", {"s8"}, At(14, 8), true, true});
  in.visits.push_back({"prv-a", "c1", {"s8"}, At(-1, 8), true, true});
  in.complaints = {
      ComplaintOf("prv-a", "c1", "2025-02-10"),  // north
      ComplaintOf("prv-a", "c2", "2025-03-15"),  // south (prv-a then)
      ComplaintOf("prv-a", "c1", "2024-04-07"),  // before the 12 months
      ComplaintOf("prv-a", "c1", "2024-04-08"),  // first day; c1 unlisted
      ComplaintOf("prv-a", "cx", "2025-01-05"),  // no assignment: no zone
  };
  in.deviations = {
      DeviationOf("prv-a", "c3", "2025-04-07"),   // as_of itself: north
      DeviationOf("prv-b", "c2", "2025-04-08"),   // after as_of
      DeviationOf("prv-home", "", "2025-01-01"),  // no client: no zone
  };
  v1::SurveyResult a;
  a.set_year(2024);
  a.set_respondents(84);
  a.set_overall_satisfied_per_mille(912);
  in.surveys["prv-a"] = a;
  v1::SurveyResult only;
  only.set_year(2024);
  only.set_respondents(12);
  only.set_overall_satisfied_per_mille(750);
  in.surveys["prv-survey"] = only;
  return in;
}

TEST(IndicatorsTest, PerProviderAndZoneCountedByHand) {
  const std::vector<v1::ProviderIndicators> rows =
      ComputeIndicators(Municipality(), kAsOf, /*by_zone=*/true);
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : rows) keys.push_back({r.provider_id(), r.zone_id()});
  const std::vector<std::pair<std::string, std::string>> expected_keys = {
      {"prv-a", ""},         {"prv-a", "north"}, {"prv-a", "south"},
      {"prv-b", ""},         {"prv-b", "south"}, {"prv-home", ""},
      {"prv-home", "north"}, {"prv-survey", ""}};
  ASSERT_EQ(keys, expected_keys);
  for (const auto& r : rows) {
    EXPECT_EQ(r.as_of(), "2025-04-07");
    EXPECT_EQ(r.continuity_from_date(), "2025-03-24");
  }

  const v1::ProviderIndicators& a = rows[0];
  // Visits: c1 28 + c2 8 + c9 1 = 37; exceptions: c1 day 3 + c9 = 2.
  EXPECT_EQ(a.visits(), 37);
  EXPECT_EQ(a.visits_with_exceptions(), 2);
  // Only c1 has 28 counted visits; it met s1, s2, s3.
  EXPECT_EQ(a.continuity_clients(), 1);
  EXPECT_EQ(a.median_staff(), 3);
  EXPECT_EQ(a.listed_clients(), 2);  // c1, c3
  // 2025-02-10, 2025-03-15, 2024-04-08, 2025-01-05: 4; per 1,000 of 2:
  // 4 * 1000 / 2 = 2000.0. Deviations: c3's on as_of: 1 -> 500.0.
  EXPECT_EQ(a.complaints_12m(), 4);
  EXPECT_EQ(a.deviations_12m(), 1);
  EXPECT_DOUBLE_EQ(a.complaints_per_1000_clients(), 2000.0);
  EXPECT_DOUBLE_EQ(a.deviations_per_1000_clients(), 500.0);
  EXPECT_EQ(a.survey().year(), 2024);
  EXPECT_EQ(a.survey().respondents(), 84);
  EXPECT_EQ(a.survey().overall_satisfied_per_mille(), 912);

  const v1::ProviderIndicators& north = rows[1];
  EXPECT_EQ(north.visits(), 28);  // c1's
  EXPECT_EQ(north.visits_with_exceptions(), 1);
  EXPECT_EQ(north.continuity_clients(), 1);
  EXPECT_EQ(north.median_staff(), 3);
  EXPECT_EQ(north.listed_clients(), 2);
  // c1's on 2025-02-10; the one of 2024-04-08 predates c1's assignment
  // (from 2025-01-01), so it has no zone.
  EXPECT_EQ(north.complaints_12m(), 1);
  EXPECT_EQ(north.deviations_12m(), 1);                          // c3's
  EXPECT_DOUBLE_EQ(north.complaints_per_1000_clients(), 500.0);  // 1 of 2
  EXPECT_EQ(north.survey().respondents(), 84);  // the provider's survey

  const v1::ProviderIndicators& south = rows[2];
  EXPECT_EQ(south.visits(), 8);  // c2 until Mar 31
  EXPECT_EQ(south.continuity_clients(), 0);
  EXPECT_EQ(south.median_staff(), 0);
  EXPECT_EQ(south.listed_clients(), 0);               // c4 ended on Apr 6
  EXPECT_EQ(south.complaints_12m(), 1);               // c2's on Mar 15
  EXPECT_EQ(south.complaints_per_1000_clients(), 0);  // none listed

  const v1::ProviderIndicators& b = rows[3];
  EXPECT_EQ(b.visits(), 6);  // Apr 1..6
  EXPECT_EQ(b.listed_clients(), 1);
  EXPECT_EQ(b.deviations_12m(), 0);  // Apr 8 is after as_of
  EXPECT_FALSE(b.has_survey());
  EXPECT_EQ(rows[4].visits(), 6);
  EXPECT_EQ(rows[4].listed_clients(), 1);

  // The in-house unit: the same fields as any provider.
  const v1::ProviderIndicators& home = rows[5];
  EXPECT_EQ(home.listed_clients(), 1);
  EXPECT_EQ(home.deviations_12m(), 1);
  EXPECT_DOUBLE_EQ(home.deviations_per_1000_clients(), 1000.0);
  EXPECT_EQ(rows[6].listed_clients(), 1);
  EXPECT_EQ(rows[6].deviations_12m(), 0);  // it had no client

  const v1::ProviderIndicators& survey_only = rows[7];
  EXPECT_EQ(survey_only.visits(), 0);
  EXPECT_EQ(survey_only.listed_clients(), 0);
  EXPECT_EQ(survey_only.survey().overall_satisfied_per_mille(), 750);
}

TEST(IndicatorsTest, WithoutZonesOnlyTheProviderRows) {
  const std::vector<v1::ProviderIndicators> rows =
      ComputeIndicators(Municipality(), kAsOf, /*by_zone=*/false);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_EQ(r.zone_id(), "");
  EXPECT_EQ(rows[0].visits(), 37);
}

TEST(IndicatorsTest, PerThousandRoundsToTenthsHalvesUp) {
  EXPECT_DOUBLE_EQ(Per1000(1, 3), 333.3);   // 333.33
  EXPECT_DOUBLE_EQ(Per1000(2, 3), 666.7);   // 666.67
  EXPECT_DOUBLE_EQ(Per1000(1, 160), 6.3);   // 6.25 exactly: up
  EXPECT_DOUBLE_EQ(Per1000(3, 160), 18.8);  // 18.75 exactly: up
  EXPECT_DOUBLE_EQ(Per1000(7, 70), 100.0);
  EXPECT_DOUBLE_EQ(Per1000(0, 5), 0);
  EXPECT_DOUBLE_EQ(Per1000(5, 0), 0);  // nobody listed
}

TEST(IndicatorsTest, TwelveMonthsStartTheDayAfterTheSameDateAYearEarlier) {
  EXPECT_EQ(TwelveMonthsFrom(kAsOf), absl::CivilDay(2024, 4, 8));
  EXPECT_EQ(TwelveMonthsFrom(absl::CivilDay(2025, 2, 28)),
            absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(TwelveMonthsFrom(absl::CivilDay(2028, 2, 29)),
            absl::CivilDay(2027, 3, 1));
  EXPECT_EQ(TwelveMonthsFrom(absl::CivilDay(2025, 1, 1)),
            absl::CivilDay(2024, 1, 2));
  EXPECT_EQ(ContinuityFrom(kAsOf), kFrom);
}

TEST(IndicatorsTest, SameFiguresIgnoresTheDates) {
  std::vector<v1::ProviderIndicators> today =
      ComputeIndicators(Municipality(), kAsOf, false);
  std::vector<v1::ProviderIndicators> later =
      ComputeIndicators(Municipality(), kAsOf, false);
  later[3].set_as_of("2025-04-08");
  later[3].set_continuity_from_date("2025-03-25");
  EXPECT_TRUE(SameFigures(today[3], later[3]));
  later[3].mutable_survey()->set_respondents(13);
  EXPECT_FALSE(SameFigures(today[3], later[3]));
}

}  // namespace
}  // namespace lov::followup
