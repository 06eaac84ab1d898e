#include "lov/platform/stockholm_time.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

using stockholm_internal::RuleFromCivil;
using stockholm_internal::RuleToCivil;
using stockholm_internal::RuleUtcOffsetSeconds;

// Expected instants are written as UTC wall times, independently of the code
// under test.
absl::Time Utc(int y, int mo, int d, int h, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// One Stockholm clock fact: at UTC instant `utc` the wall shows `wall`.
// A repeated wall time (the autumn hour) maps back to the earlier instant,
// so for those only the UTC -> wall direction is checked here.
struct WallFact {
  absl::Time utc;
  absl::CivilSecond wall;
  bool repeated = false;
};

// Either side of each clock change in 2024 and 2025.
const std::vector<WallFact>& DstFacts() {
  static const auto* facts = new std::vector<WallFact>{
      // 2024-03-31: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
      {Utc(2024, 3, 31, 0, 59, 59), absl::CivilSecond(2024, 3, 31, 1, 59, 59)},
      {Utc(2024, 3, 31, 1), absl::CivilSecond(2024, 3, 31, 3, 0, 0)},
      // 2024-10-27: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
      {Utc(2024, 10, 27, 0, 59, 59),
       absl::CivilSecond(2024, 10, 27, 2, 59, 59)},
      {Utc(2024, 10, 27, 1), absl::CivilSecond(2024, 10, 27, 2, 0, 0), true},
      // 2025-03-30 and 2025-10-26.
      {Utc(2025, 3, 30, 0, 59, 59), absl::CivilSecond(2025, 3, 30, 1, 59, 59)},
      {Utc(2025, 3, 30, 1), absl::CivilSecond(2025, 3, 30, 3, 0, 0)},
      {Utc(2025, 10, 26, 0, 59, 59),
       absl::CivilSecond(2025, 10, 26, 2, 59, 59)},
      {Utc(2025, 10, 26, 1), absl::CivilSecond(2025, 10, 26, 2, 0, 0), true},
      // Ordinary winter and summer days.
      {Utc(2024, 1, 15, 12), absl::CivilSecond(2024, 1, 15, 13, 0, 0)},
      {Utc(2024, 7, 15, 12), absl::CivilSecond(2024, 7, 15, 14, 0, 0)},
      // New Year in Stockholm is still the old year in UTC.
      {Utc(2024, 12, 31, 23, 30), absl::CivilSecond(2025, 1, 1, 0, 30, 0)},
  };
  return *facts;
}

// These tests run twice: with tzdata, and with TZDIR pointing at an empty
// folder, where every helper must give the same answers by the built-in rule.
TEST(StockholmTimeTest, UsesTzdataWhenPresent) {
  absl::TimeZone probe;
  const bool tzdata_present = absl::LoadTimeZone("Europe/Stockholm", &probe);
  EXPECT_EQ(StockholmZoneFromTzdata(), tzdata_present);
  if (tzdata_present) {
    EXPECT_EQ(StockholmZone().name(), "Europe/Stockholm");
  }
}

TEST(StockholmTimeTest, OffsetsEitherSideOfEachClockChange) {
  for (const WallFact& fact : DstFacts()) {
    EXPECT_EQ(ToStockholm(fact.utc), fact.wall) << fact.utc;
    if (!fact.repeated) {
      EXPECT_EQ(FromStockholm(fact.wall), fact.utc) << fact.wall;
    }
  }
}

TEST(StockholmTimeTest, SkippedSpringTimeMovesForward) {
  // 02:30 does not exist on 2024-03-31; read with CET it is 01:30 UTC,
  // which the clocks show as 03:30 CEST.
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2024, 3, 31, 2, 30, 0)),
            Utc(2024, 3, 31, 1, 30));
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2025, 3, 30, 2, 30, 0)),
            Utc(2025, 3, 30, 1, 30));
  EXPECT_EQ(ToStockholm(Utc(2024, 3, 31, 1, 30)),
            absl::CivilSecond(2024, 3, 31, 3, 30, 0));
  // 02:00 itself is skipped too and becomes 03:00 CEST.
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2024, 3, 31, 2, 0, 0)),
            Utc(2024, 3, 31, 1, 0));
}

TEST(StockholmTimeTest, RepeatedAutumnTimeIsTheEarlierInstant) {
  // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2024, 10, 27, 2, 30, 0)),
            Utc(2024, 10, 27, 0, 30));
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2025, 10, 26, 2, 30, 0)),
            Utc(2025, 10, 26, 0, 30));
  EXPECT_EQ(FromStockholm(absl::CivilSecond(2024, 10, 27, 2, 0, 0)),
            Utc(2024, 10, 27, 0, 0));
  // Both instants are 02:30 on the wall.
  EXPECT_EQ(ToStockholm(Utc(2024, 10, 27, 0, 30)),
            absl::CivilSecond(2024, 10, 27, 2, 30, 0));
  EXPECT_EQ(ToStockholm(Utc(2024, 10, 27, 1, 30)),
            absl::CivilSecond(2024, 10, 27, 2, 30, 0));
}

TEST(StockholmTimeTest, DaysAroundClockChangesAre23And25HoursLong) {
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 3, 31)), Utc(2024, 3, 30, 23));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 4, 1)), Utc(2024, 3, 31, 22));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 4, 1)) -
                StartOfDay(absl::CivilDay(2024, 3, 31)),
            absl::Hours(23));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 10, 27)), Utc(2024, 10, 26, 22));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 10, 28)), Utc(2024, 10, 27, 23));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2024, 10, 28)) -
                StartOfDay(absl::CivilDay(2024, 10, 27)),
            absl::Hours(25));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2025, 3, 31)) -
                StartOfDay(absl::CivilDay(2025, 3, 30)),
            absl::Hours(23));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2025, 10, 27)) -
                StartOfDay(absl::CivilDay(2025, 10, 26)),
            absl::Hours(25));
}

TEST(StockholmTimeTest, StockholmDateChangesAtLocalMidnight) {
  EXPECT_EQ(StockholmDate(Utc(2024, 6, 30, 21, 59, 59)),
            absl::CivilDay(2024, 6, 30));
  EXPECT_EQ(StockholmDate(Utc(2024, 6, 30, 22)), absl::CivilDay(2024, 7, 1));
  EXPECT_EQ(StockholmDate(Utc(2024, 1, 31, 22, 59, 59)),
            absl::CivilDay(2024, 1, 31));
  EXPECT_EQ(StockholmDate(Utc(2024, 1, 31, 23)), absl::CivilDay(2024, 2, 1));
}

TEST(StockholmTimeTest, MonthIntervals) {
  const Interval march = MonthInterval(absl::CivilMonth(2024, 3));
  EXPECT_EQ(march.start, Utc(2024, 2, 29, 23));
  EXPECT_EQ(march.end, Utc(2024, 3, 31, 22));
  EXPECT_EQ(march.end - march.start, absl::Hours(31 * 24 - 1));

  const Interval october = MonthInterval(absl::CivilMonth(2024, 10));
  EXPECT_EQ(october.start, Utc(2024, 9, 30, 22));
  EXPECT_EQ(october.end, Utc(2024, 10, 31, 23));
  EXPECT_EQ(october.end - october.start, absl::Hours(31 * 24 + 1));

  const Interval december = MonthInterval(absl::CivilMonth(2024, 12));
  EXPECT_EQ(december.start, Utc(2024, 11, 30, 23));
  EXPECT_EQ(december.end, Utc(2024, 12, 31, 23));

  EXPECT_EQ(StartOfMonth(absl::CivilMonth(2024, 7)), Utc(2024, 6, 30, 22));
}

TEST(StockholmTimeTest, DaysInMonth) {
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2024, 2)), 29);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2025, 2)), 28);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2100, 2)), 28);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2000, 2)), 29);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2024, 3)), 31);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2024, 4)), 30);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2024, 12)), 31);
}

TEST(Rfc3339Test, FormatsUtcWithFractionOnlyWhenPresent) {
  EXPECT_EQ(FormatRfc3339Utc(Utc(2024, 3, 31, 1, 30)), "2024-03-31T01:30:00Z");
  EXPECT_EQ(FormatRfc3339Utc(Utc(2024, 3, 31, 1, 30) + absl::Milliseconds(250)),
            "2024-03-31T01:30:00.25Z");
  EXPECT_EQ(FormatRfc3339Utc(Utc(2024, 3, 31, 1, 30) + absl::Microseconds(1)),
            "2024-03-31T01:30:00.000001Z");
}

TEST(Rfc3339Test, ParsesAnyOffset) {
  EXPECT_EQ(ParseRfc3339("2024-03-31T01:30:00Z").value(),
            Utc(2024, 3, 31, 1, 30));
  EXPECT_EQ(ParseRfc3339("2024-03-31T03:30:00+02:00").value(),
            Utc(2024, 3, 31, 1, 30));
  EXPECT_EQ(ParseRfc3339("2024-03-30T20:30:00-05:00").value(),
            Utc(2024, 3, 31, 1, 30));
  EXPECT_EQ(ParseRfc3339("2024-03-31T01:30:00.25Z").value(),
            Utc(2024, 3, 31, 1, 30) + absl::Milliseconds(250));
}

TEST(Rfc3339Test, RejectsMalformedTimestampsNamingTheInput) {
  for (const char* bad :
       {"", "garbage", "2024-03-31", "2024-03-31T01:30:00",
        "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", " 2024-03-31T01:30:00Z",
        "2024-03-31T01:30:00Z ", "infinite-future", "infinite-past"}) {
    const absl::StatusOr<absl::Time> parsed = ParseRfc3339(bad);
    EXPECT_FALSE(parsed.ok()) << "input: \"" << bad << "\"";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: \"" << bad << "\"";
  }
  EXPECT_NE(ParseRfc3339("garbage").status().message().find("\"garbage\""),
            std::string::npos);
}

TEST(DateTest, ParsesAndFormatsIsoDates) {
  EXPECT_EQ(ParseDate("2024-02-29").value(), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(ParseDate("0999-01-01").value(), absl::CivilDay(999, 1, 1));
  EXPECT_EQ(FormatDate(absl::CivilDay(2024, 3, 5)), "2024-03-05");
  EXPECT_EQ(FormatDate(absl::CivilDay(999, 1, 1)), "0999-01-01");
}

TEST(DateTest, RejectsBadDatesWithClearErrors) {
  const absl::StatusOr<absl::CivilDay> not_a_day = ParseDate("2023-02-29");
  ASSERT_FALSE(not_a_day.ok());
  EXPECT_EQ(not_a_day.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(not_a_day.status().message().find("no such calendar day"),
            std::string::npos)
      << not_a_day.status();

  for (const char* bad :
       {"", "2024-2-29", "20240229", "2024/02/29", "2024-02-29T00:00:00Z",
        " 2024-02-29", "abcd-ef-gh"}) {
    const absl::StatusOr<absl::CivilDay> parsed = ParseDate(bad);
    ASSERT_FALSE(parsed.ok()) << "input: \"" << bad << "\"";
    EXPECT_NE(parsed.status().message().find("expected YYYY-MM-DD"),
              std::string::npos)
        << parsed.status();
  }
  for (const char* bad :
       {"2024-00-10", "2024-13-01", "2024-04-31", "2024-01-00"}) {
    EXPECT_FALSE(ParseDate(bad).ok()) << "input: \"" << bad << "\"";
  }
}

// The built-in rule must give the same hand-computed facts as tzdata.
TEST(StockholmRuleTest, MatchesHandComputedFacts) {
  for (const WallFact& fact : DstFacts()) {
    EXPECT_EQ(RuleToCivil(fact.utc), fact.wall) << fact.utc;
    if (!fact.repeated) {
      EXPECT_EQ(RuleFromCivil(fact.wall), fact.utc) << fact.wall;
    }
  }
  EXPECT_EQ(RuleUtcOffsetSeconds(Utc(2024, 3, 31, 0, 59, 59)), 3600);
  EXPECT_EQ(RuleUtcOffsetSeconds(Utc(2024, 3, 31, 1)), 7200);
  EXPECT_EQ(RuleUtcOffsetSeconds(Utc(2024, 10, 27, 0, 59, 59)), 7200);
  EXPECT_EQ(RuleUtcOffsetSeconds(Utc(2024, 10, 27, 1)), 3600);
  EXPECT_EQ(RuleFromCivil(absl::CivilSecond(2024, 3, 31, 2, 30, 0)),
            Utc(2024, 3, 31, 1, 30));
  EXPECT_EQ(RuleFromCivil(absl::CivilSecond(2024, 10, 27, 2, 30, 0)),
            Utc(2024, 10, 27, 0, 30));
}

class StockholmRuleVersusTzdataTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!absl::LoadTimeZone("Europe/Stockholm", &tzdata_)) {
      GTEST_SKIP() << "tzdata is not installed";
    }
  }
  absl::TimeZone tzdata_;
};

TEST_F(StockholmRuleVersusTzdataTest, SameTransitions2024To2026) {
  const std::vector<absl::Time> expected = {
      Utc(2024, 3, 31, 1),  Utc(2024, 10, 27, 1), Utc(2025, 3, 30, 1),
      Utc(2025, 10, 26, 1), Utc(2026, 3, 29, 1),  Utc(2026, 10, 25, 1)};
  std::vector<absl::Time> from_tzdata;
  absl::TimeZone::CivilTransition transition;
  absl::Time cursor = Utc(2024, 1, 1, 0);
  while (tzdata_.NextTransition(cursor, &transition)) {
    const absl::Time at = tzdata_.At(transition.to).trans;
    if (at >= Utc(2027, 1, 1, 0)) break;
    from_tzdata.push_back(at);
    cursor = at;
  }
  EXPECT_EQ(from_tzdata, expected);

  for (absl::Time at : expected) {
    EXPECT_NE(RuleUtcOffsetSeconds(at - absl::Seconds(1)),
              RuleUtcOffsetSeconds(at))
        << at;
  }
}

TEST_F(StockholmRuleVersusTzdataTest, SameWallTimeEveryQuarterHour2024To2026) {
  for (absl::Time t = Utc(2024, 1, 1, 0); t < Utc(2027, 1, 1, 0);
       t += absl::Minutes(15)) {
    ASSERT_EQ(RuleToCivil(t), absl::ToCivilSecond(t, tzdata_)) << t;
  }
}

TEST_F(StockholmRuleVersusTzdataTest,
       SameInstantEveryWallQuarterHour2024To2026) {
  // Includes each skipped and repeated hour, so the conventions agree too.
  for (absl::CivilSecond wall(2024, 1, 1, 0, 0, 0);
       wall < absl::CivilSecond(2027, 1, 1, 0, 0, 0); wall += 15 * 60) {
    ASSERT_EQ(RuleFromCivil(wall), tzdata_.At(wall).pre) << wall;
  }
}

}  // namespace
}  // namespace lov
