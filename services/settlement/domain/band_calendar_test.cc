#include "lov/settlement/domain/band_calendar.h"

#include <gtest/gtest.h>

#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::StandardBands;
using testing::Utc;

const BandSchedule& Standard() {
  static const auto* schedule =
      new BandSchedule(DefaultBandRules(StandardBands()));
  return *schedule;
}

TEST(BandCalendarTest, DaysOfTheMonthByStockholmMidnight) {
  const BandCalendar march(absl::CivilMonth(2024, 3));
  // 23:30 UTC on 29 February is 00:30 on 1 March in Stockholm (CET).
  EXPECT_EQ(march.DayOf(Utc("2024-02-29T23:30:00Z")),
            absl::CivilDay(2024, 3, 1));
  EXPECT_EQ(march.DayOf(Utc("2024-02-29T22:59:59Z")),
            absl::CivilDay(2024, 2, 29));
  // After the spring change (CEST, UTC+2): 22:30 UTC on 31 March is 00:30
  // on 1 April.
  EXPECT_EQ(march.DayOf(Utc("2024-03-31T22:30:00Z")),
            absl::CivilDay(2024, 4, 1));
  // Far outside the days held: the time-zone conversion itself.
  EXPECT_EQ(march.DayOf(Utc("2024-07-10T12:00:00Z")),
            absl::CivilDay(2024, 7, 10));
}

TEST(BandCalendarTest, NightOverTheSpringChangeIsAnHourShort) {
  // Saturday 30 March 21:00 to Sunday 31 March 09:00 local (Easter Sunday,
  // the DST day): Saturday's evening is WEEKEND, Easter Sunday HOLIDAY, and
  // the night lost 02:00-03:00.
  BandCalendar march(absl::CivilMonth(2024, 3));
  const std::vector<BandPiece>& pieces = march.Split(
      Standard(), Utc("2024-03-30T20:00:00Z"), Utc("2024-03-31T07:00:00Z"));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].band, v1::BAND_WEEKEND);
  EXPECT_EQ(pieces[0].seconds, 3 * 3600);  // 21:00-24:00
  EXPECT_EQ(pieces[1].band, v1::BAND_HOLIDAY);
  EXPECT_EQ(pieces[1].seconds, 8 * 3600);  // 00:00-09:00 less the lost hour
}

// Every start in the month and the days around it, at steps that fall on
// and beside band boundaries, and lengths up to a day and a half: the
// calendar cuts exactly as BandSchedule::Split.
TEST(BandCalendarTest, CutsEveryVisitAsTheScheduleDoes) {
  for (const absl::CivilMonth month :
       {absl::CivilMonth(2024, 3), absl::CivilMonth(2024, 10),
        absl::CivilMonth(2024, 12)}) {
    BandCalendar calendar(month);
    const absl::Time from = StartOfDay(absl::CivilDay(month) - 2);
    const absl::Time to = StartOfDay(absl::CivilDay(month + 1) + 3);
    int compared = 0;
    for (absl::Time start = from; start < to; start += absl::Minutes(53)) {
      for (int minutes : {0, 1, 29, 61, 185, 600, 1500, 2200}) {
        const absl::Time end = start + absl::Minutes(minutes);
        const std::vector<BandPiece> expected = Standard().Split(start, end);
        const std::vector<BandPiece>& got =
            calendar.Split(Standard(), start, end);
        ASSERT_EQ(got.size(), expected.size())
            << absl::FormatTime(start) << " +" << minutes;
        for (size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(got[i].band, expected[i].band);
          EXPECT_EQ(got[i].start, expected[i].start);
          EXPECT_EQ(got[i].end, expected[i].end);
          EXPECT_EQ(got[i].seconds, expected[i].seconds);
        }
        EXPECT_EQ(calendar.DayOf(start), StockholmDate(start));
        ++compared;
      }
    }
    EXPECT_GT(compared, 7000);  // 36 days at 53-minute steps, 8 lengths
  }
}

}  // namespace
}  // namespace lov::settlement
