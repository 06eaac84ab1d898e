// Staff continuity over a hand-made 14-day roster. The period starts
// Monday 2025-03-24 and ends before 2025-04-07, so it spans the spring
// change (March 30). Every expected value is counted by hand below.
#include "lov/followup/domain/continuity.h"

#include <gtest/gtest.h>

#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

const absl::CivilDay kFrom(2025, 3, 24);

// Day `day` (0..13) of the period at hh:mm Stockholm time.
absl::Time At(int day, int hour, int minute = 0) {
  const absl::CivilDay d = kFrom + day;
  return FromStockholm(
      absl::CivilSecond(d.year(), d.month(), d.day(), hour, minute, 0));
}

class Roster {
 public:
  void Visit(const std::string& provider, const std::string& client,
             std::vector<std::string> staff, absl::Time start,
             bool performed = true, bool exceptions = false) {
    visits_.push_back(
        {provider, client, std::move(staff), start, performed, exceptions});
  }
  const std::vector<VisitFact>& visits() const { return visits_; }

 private:
  std::vector<VisitFact> visits_;
};

Roster HandMadeRoster() {
  Roster r;
  for (int day = 0; day < 14; ++day) {
    // prv-a, c1: mornings s1 the first week and s2 the second, evenings s3.
    r.Visit("prv-a", "c1", {day < 7 ? "s1" : "s2"}, At(day, 8));
    r.Visit("prv-a", "c1", {"s3"}, At(day, 17));
    // prv-a, c2: mornings s1; evenings double-staffed, s4 with s5 on even
    // days and with s6 on odd ones: both of each pair count.
    r.Visit("prv-a", "c2", {"s1"}, At(day, 8));
    r.Visit("prv-a", "c2", {"s4", day % 2 == 0 ? "s5" : "s6"}, At(day, 17));
    // prv-a, c3: one day visit (s1) and one at 23:00 (s9, outside 07-22):
    // 14 counted visits, fewer than 28, so c3 is not counted.
    r.Visit("prv-a", "c3", {"s1"}, At(day, 8));
    r.Visit("prv-a", "c3", {"s9"}, At(day, 23));
    // prv-a, c4: mornings s1..s7 by weekday, evenings s8; the first
    // morning visit was accepted with an exception.
    r.Visit("prv-a", "c4", {"s" + std::to_string(1 + day % 7)}, At(day, 7),
            true, day == 0);
    r.Visit("prv-a", "c4", {"s8"}, At(day, 21, 59));
    // c5: mornings by prv-a's "s1", evenings by prv-b's "s1": the same id
    // at two providers, so two persons.
    r.Visit("prv-a", "c5", {"s1"}, At(day, 9));
    r.Visit("prv-b", "c5", {"s1"}, At(day, 18));
    // prv-b, c6: mornings s1, evenings s2.
    r.Visit("prv-b", "c6", {"s1"}, At(day, 8));
    r.Visit("prv-b", "c6", {"s2"}, At(day, 17));
    // prv-b, c7: mornings s3, evenings s4; on the last evening s4 with s5.
    r.Visit("prv-b", "c7", {"s3"}, At(day, 8));
    r.Visit("prv-b", "c7",
            day == 13 ? std::vector<std::string>{"s4", "s5"}
                      : std::vector<std::string>{"s4"},
            At(day, 17));
  }
  // Did not happen (client absent), with an exception: counts as a visit
  // for the exception share, never for continuity.
  r.Visit("prv-b", "c6", {"s7"}, At(0, 12), /*performed=*/false, true);
  // Just outside the period on either side: ignored entirely.
  r.Visit("prv-a", "c1", {"s99"}, At(-1, 12));
  r.Visit("prv-a", "c1", {"s99"}, At(14, 0));
  return r;
}

const ContinuityResult& Row(const std::vector<ContinuityResult>& rows,
                            const std::string& provider) {
  for (const auto& r : rows) {
    if (r.provider_id == provider) return r;
  }
  ADD_FAILURE() << "no row for '" << provider << "'";
  return rows.front();
}

TEST(ContinuityTest, HandMadeRosterPerProvider) {
  const auto rows = Continuity(HandMadeRoster().visits(), kFrom);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].provider_id, "");
  // prv-a counts c1 {s1,s2,s3} = 3, c2 {s1,s4,s5,s6} = 4,
  // c4 {s1..s7,s8} = 8; c3 has 14 counted visits, c5 14 from prv-a.
  // Sorted 3, 4, 8: median 4.
  const ContinuityResult& a = Row(rows, "prv-a");
  EXPECT_EQ(a.clients, 3);
  EXPECT_EQ(a.median_staff, 4);
  EXPECT_EQ(a.distribution, (std::map<int, int>{{3, 1}, {4, 1}, {8, 1}}));
  // Visits: c1 28, c2 28, c3 28, c4 28, c5 14 = 126; one with exceptions.
  EXPECT_EQ(a.visits, 126);
  EXPECT_EQ(a.visits_with_exceptions, 1);
  // prv-b counts c6 {s1,s2} = 2 and c7 {s3,s4,s5} = 3 (c5: 14 visits).
  // Median of 2 and 3: 2.5.
  const ContinuityResult& b = Row(rows, "prv-b");
  EXPECT_EQ(b.clients, 2);
  EXPECT_EQ(b.median_staff, 2.5);
  EXPECT_EQ(b.distribution, (std::map<int, int>{{2, 1}, {3, 1}}));
  // Visits: c5 14, c6 28 + the absent one, c7 28 = 71; one with exceptions.
  EXPECT_EQ(b.visits, 71);
  EXPECT_EQ(b.visits_with_exceptions, 1);
}

TEST(ContinuityTest, HandMadeRosterForTheMunicipality) {
  // Every client by all their visits: c1 3, c2 4, c4 8, c6 2, c7 3 as
  // above, and c5 now has 28 counted visits and met prv-a/s1 and prv-b/s1:
  // 2 persons (1 if the shared id were one person). c3 stays out.
  // Sorted 2, 2, 3, 3, 4, 8: median (3 + 3) / 2 = 3.
  const std::vector<ContinuityResult> rows =
      Continuity(HandMadeRoster().visits(), kFrom);
  const ContinuityResult& all = rows.front();
  EXPECT_EQ(all.clients, 6);
  EXPECT_EQ(all.median_staff, 3);
  EXPECT_EQ(all.distribution,
            (std::map<int, int>{{2, 2}, {3, 2}, {4, 1}, {8, 1}}));
  EXPECT_EQ(all.visits, 126 + 71);
  EXPECT_EQ(all.visits_with_exceptions, 2);
}

TEST(ContinuityTest, DayHoursAreStockholmWallClockOnTheShortDay) {
  // March 30 2025 has 23 hours. 06:59 CEST (04:59Z) is before the day
  // hours; 07:00 CEST (05:00Z) is in them, though UTC shows 05:00.
  std::vector<VisitFact> visits;
  for (int day = 0; day < 14; ++day) {
    const int hour = day == 6 ? 6 : 8;  // day 6 is March 30
    visits.push_back({"prv-a", "c1", {"s1"}, At(day, hour, 59), true, false});
    visits.push_back({"prv-a", "c1", {"s2"}, At(day, 7), true, false});
  }
  // 27 counted visits: not counted.
  EXPECT_EQ(Continuity(visits, kFrom).front().clients, 0);
  visits.push_back({"prv-a", "c1", {"s3"}, At(6, 21, 59), true, false});
  const ContinuityResult r = Continuity(visits, kFrom).front();
  EXPECT_EQ(r.clients, 1);
  EXPECT_EQ(r.median_staff, 3);
}

TEST(ContinuityTest, MedianOfNoneOddAndEven) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({9, 1, 5}), 5);
  EXPECT_EQ(Median({7, 13}), 10);
}

}  // namespace
}  // namespace lov::followup
