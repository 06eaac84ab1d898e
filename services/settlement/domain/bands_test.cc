#include "lov/settlement/domain/bands.h"

#include <gtest/gtest.h>

#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::StandardBands;
using testing::Utc;

struct Expected {
  v1::Band band;
  int64_t seconds;
};

void ExpectPieces(const std::vector<BandPiece>& pieces,
                  const std::vector<Expected>& expected) {
  ASSERT_EQ(pieces.size(), expected.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    EXPECT_EQ(pieces[i].band, expected[i].band) << "piece " << i;
    EXPECT_EQ(pieces[i].seconds, expected[i].seconds) << "piece " << i;
  }
}

TEST(SettlementBandsTest, VisitOverTheEveningBoundaryIsSplitInTwo) {
  // Wednesday 17 January 2024, 17:30-18:30 Stockholm (CET, UTC+1).
  ExpectPieces(SplitIntoBands(Utc("2024-01-17T16:30:00Z"),
                              Utc("2024-01-17T17:30:00Z"), StandardBands()),
               {{v1::BAND_DAY, 1800}, {v1::BAND_EVENING, 1800}});
}

TEST(SettlementBandsTest, NightVisitOverMidnightOnWeekdays) {
  // Tuesday 16 Jan 21:00 to Wednesday 17 Jan 08:00 local.
  ExpectPieces(SplitIntoBands(Utc("2024-01-16T20:00:00Z"),
                              Utc("2024-01-17T07:00:00Z"), StandardBands()),
               {{v1::BAND_EVENING, 3600},
                {v1::BAND_NIGHT, 9 * 3600},
                {v1::BAND_DAY, 3600}});
}

TEST(SettlementBandsTest, MidnightIntoNewYearsDayTurnsToHoliday) {
  // 31 Dec 2024 (a Tuesday) 23:00 to 1 Jan 2025 01:00 local.
  ExpectPieces(SplitIntoBands(Utc("2024-12-31T22:00:00Z"),
                              Utc("2025-01-01T00:00:00Z"), StandardBands()),
               {{v1::BAND_NIGHT, 3600}, {v1::BAND_HOLIDAY, 3600}});
  // With holiday eves counted as holidays, the whole visit is holiday.
  v1::BandDefinition eves = StandardBands();
  eves.set_holiday_eves_are_holidays(true);
  ExpectPieces(SplitIntoBands(Utc("2024-12-31T22:00:00Z"),
                              Utc("2025-01-01T00:00:00Z"), eves),
               {{v1::BAND_HOLIDAY, 7200}});
}

TEST(SettlementBandsTest, EasterIsComputed) {
  // Easter Sunday 2024 is 31 March, so Good Friday is 29 March and Easter
  // Monday 1 April. Maundy Thursday 28 March 21:00 (CET) to Good Friday
  // 01:00: an hour of evening, two of night, then holiday from midnight.
  ExpectPieces(SplitIntoBands(Utc("2024-03-28T20:00:00Z"),
                              Utc("2024-03-29T00:00:00Z"), StandardBands()),
               {{v1::BAND_EVENING, 3600},
                {v1::BAND_NIGHT, 7200},
                {v1::BAND_HOLIDAY, 3600}});
  // Easter Monday 10:00-11:00 CEST (UTC+2), a Monday, is a holiday.
  ExpectPieces(SplitIntoBands(Utc("2024-04-01T08:00:00Z"),
                              Utc("2024-04-01T09:00:00Z"), StandardBands()),
               {{v1::BAND_HOLIDAY, 3600}});
  // Ascension Day 2024 is Thursday 9 May.
  EXPECT_EQ(BandAt(Utc("2024-05-09T08:00:00Z"), StandardBands()),
            v1::BAND_HOLIDAY);
  EXPECT_EQ(BandAt(Utc("2024-05-08T08:00:00Z"), StandardBands()), v1::BAND_DAY);
}

TEST(SettlementBandsTest, HolidayBeatsWeekendAndWeekendBeatsNight) {
  // Midsummer Day 2024 is Saturday 22 June.
  EXPECT_EQ(BandAt(Utc("2024-06-22T10:00:00Z"), StandardBands()),
            v1::BAND_HOLIDAY);
  EXPECT_EQ(BandAt(Utc("2024-06-29T10:00:00Z"), StandardBands()),
            v1::BAND_WEEKEND);
  // Saturday 20 January 2024 at 23:30 local.
  EXPECT_EQ(BandAt(Utc("2024-01-20T22:30:00Z"), StandardBands()),
            v1::BAND_WEEKEND);
}

TEST(SettlementBandsTest, SpringForwardNightIsAnHourShorter) {
  // Sunday 31 March 2024: clocks go from 02:00 CET to 03:00 CEST. A visit
  // 01:00-04:00 on the wall lasts 2 real hours (00:00Z to 02:00Z).
  ExpectPieces(SplitIntoBands(Utc("2024-03-31T00:00:00Z"),
                              Utc("2024-03-31T02:00:00Z"), StandardBands()),
               {{v1::BAND_HOLIDAY, 7200}});  // also Easter Sunday
  // Friday 29 March 2024 is Good Friday; use 2025: Sunday 30 March 2025,
  // 01:00 CET to 04:00 CEST, then the Monday night boundary: Sunday
  // 21:00 CEST to Monday 31 March 08:00 CEST.
  ExpectPieces(SplitIntoBands(Utc("2025-03-30T00:00:00Z"),
                              Utc("2025-03-30T02:00:00Z"), StandardBands()),
               {{v1::BAND_WEEKEND, 7200}});
  ExpectPieces(SplitIntoBands(Utc("2025-03-30T19:00:00Z"),
                              Utc("2025-03-31T06:00:00Z"), StandardBands()),
               {{v1::BAND_WEEKEND, 3 * 3600},
                {v1::BAND_NIGHT, 7 * 3600},
                {v1::BAND_DAY, 3600}});
}

TEST(SettlementBandsTest, FallBackNightIsAnHourLonger) {
  // Sunday 27 October 2024: 03:00 CEST becomes 02:00 CET. Saturday 20:00
  // CEST (18:00Z) to Sunday 08:00 CET (07:00Z) shows 12 hours on the wall
  // and lasts 13.
  ExpectPieces(SplitIntoBands(Utc("2024-10-26T18:00:00Z"),
                              Utc("2024-10-27T07:00:00Z"), StandardBands()),
               {{v1::BAND_WEEKEND, 13 * 3600}});
  // Sunday 22:00 CET to Monday 28 October 07:30: the night band starts at
  // local midnight, after the change.
  ExpectPieces(SplitIntoBands(Utc("2024-10-27T21:00:00Z"),
                              Utc("2024-10-28T06:30:00Z"), StandardBands()),
               {{v1::BAND_WEEKEND, 2 * 3600},
                {v1::BAND_NIGHT, 7 * 3600},
                {v1::BAND_DAY, 1800}});
}

TEST(SettlementBandsTest, EmptyOrBackwardVisitHasNoPieces) {
  EXPECT_TRUE(SplitIntoBands(Utc("2024-01-17T10:00:00Z"),
                             Utc("2024-01-17T10:00:00Z"), StandardBands())
                  .empty());
}

TEST(SettlementBandsTest, BandDefinitionsAreValidated) {
  v1::BandDefinition b = StandardBands();
  b.set_evening_start_minute(6 * 60);
  absl::Status s = ValidateBands(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("evening_start_minute"), std::string::npos);
}

}  // namespace
}  // namespace lov::settlement
