#include "lov/platform/swedish_holidays.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

using absl::CivilDay;

TEST(EasterSundayTest, KnownYears) {
  EXPECT_EQ(EasterSunday(2024), CivilDay(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), CivilDay(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), CivilDay(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2038), CivilDay(2038, 4, 25));  // Latest possible.
  EXPECT_EQ(EasterSunday(2008), CivilDay(2008, 3, 23));
  EXPECT_EQ(EasterSunday(2011), CivilDay(2011, 4, 24));
  EXPECT_EQ(EasterSunday(2000), CivilDay(2000, 4, 23));
  EXPECT_EQ(EasterSunday(1818), CivilDay(1818, 3, 22));  // Earliest possible.
}

struct Expected {
  CivilDay day;
  const char* name;
  bool holiday;
  bool eve;
};

TEST(SwedishHolidaysTest, Calendar2024) {
  const Expected expected[] = {
      {CivilDay(2024, 1, 1), "Nyårsdagen", true, false},
      {CivilDay(2024, 1, 6), "Trettondedag jul", true, false},
      {CivilDay(2024, 3, 28), "", false, false},  // Maundy Thursday.
      {CivilDay(2024, 3, 29), "Långfredagen", true, false},
      {CivilDay(2024, 3, 30), "Påskafton", false, true},
      {CivilDay(2024, 3, 31), "Påskdagen", true, false},
      {CivilDay(2024, 4, 1), "Annandag påsk", true, false},
      {CivilDay(2024, 5, 1), "Första maj", true, false},
      {CivilDay(2024, 5, 9), "Kristi himmelsfärdsdag", true, false},
      {CivilDay(2024, 5, 18), "", false, false},  // Whitsun Eve: not listed.
      {CivilDay(2024, 5, 19), "Pingstdagen", true, false},
      {CivilDay(2024, 5, 20), "", false, false},  // No longer a holiday.
      {CivilDay(2024, 6, 6), "Sveriges nationaldag", true, false},
      {CivilDay(2024, 6, 20), "", false, false},
      {CivilDay(2024, 6, 21), "Midsommarafton", false, true},
      {CivilDay(2024, 6, 22), "Midsommardagen", true, false},
      {CivilDay(2024, 6, 23), "", false, false},
      {CivilDay(2024, 11, 1), "", false, false},
      {CivilDay(2024, 11, 2), "Alla helgons dag", true, false},
      {CivilDay(2024, 12, 23), "", false, false},
      {CivilDay(2024, 12, 24), "Julafton", false, true},
      {CivilDay(2024, 12, 25), "Juldagen", true, false},
      {CivilDay(2024, 12, 26), "Annandag jul", true, false},
      {CivilDay(2024, 12, 27), "", false, false},
      {CivilDay(2024, 12, 31), "Nyårsafton", false, true},
      {CivilDay(2024, 3, 10), "", false, false},  // An ordinary Sunday.
  };
  for (const Expected& e : expected) {
    EXPECT_EQ(HolidayName(e.day), e.name) << e.day;
    EXPECT_EQ(IsPublicHoliday(e.day), e.holiday) << e.day;
    EXPECT_EQ(IsHolidayEve(e.day), e.eve) << e.day;
  }
}

TEST(SwedishHolidaysTest, MovableDays2025And2026) {
  EXPECT_EQ(HolidayName(CivilDay(2025, 4, 18)), "Långfredagen");
  EXPECT_EQ(HolidayName(CivilDay(2025, 4, 21)), "Annandag påsk");
  EXPECT_EQ(HolidayName(CivilDay(2025, 5, 29)), "Kristi himmelsfärdsdag");
  EXPECT_EQ(HolidayName(CivilDay(2025, 6, 8)), "Pingstdagen");
  EXPECT_EQ(HolidayName(CivilDay(2025, 6, 20)), "Midsommarafton");
  EXPECT_EQ(HolidayName(CivilDay(2025, 6, 21)), "Midsommardagen");
  EXPECT_EQ(HolidayName(CivilDay(2025, 11, 1)), "Alla helgons dag");
  EXPECT_EQ(HolidayName(CivilDay(2026, 4, 3)), "Långfredagen");
  EXPECT_EQ(HolidayName(CivilDay(2026, 5, 14)), "Kristi himmelsfärdsdag");
}

TEST(SwedishHolidaysTest, MidsummerAndAllSaintsAtTheEdgesOfTheirWeeks) {
  // 2026: Friday 19 June and Saturday 31 October, the earliest dates.
  EXPECT_TRUE(IsHolidayEve(CivilDay(2026, 6, 19)));
  EXPECT_TRUE(IsPublicHoliday(CivilDay(2026, 6, 20)));
  EXPECT_EQ(HolidayName(CivilDay(2026, 10, 31)), "Alla helgons dag");
  EXPECT_FALSE(IsPublicHoliday(CivilDay(2026, 11, 7)));
  // 2021: Friday 25 June and Saturday 6 November, the latest dates.
  EXPECT_TRUE(IsHolidayEve(CivilDay(2021, 6, 25)));
  EXPECT_EQ(HolidayName(CivilDay(2021, 6, 26)), "Midsommardagen");
  EXPECT_EQ(HolidayName(CivilDay(2021, 11, 6)), "Alla helgons dag");
  EXPECT_FALSE(IsPublicHoliday(CivilDay(2021, 10, 30)));
  EXPECT_FALSE(IsHolidayEve(CivilDay(2021, 6, 18)));
}

TEST(SwedishHolidaysTest, CoincidingHolidaysKeepTheMovableName) {
  // In 2008 Easter was 23 March, so Ascension Day fell on 1 May.
  EXPECT_TRUE(IsPublicHoliday(CivilDay(2008, 5, 1)));
  EXPECT_EQ(HolidayName(CivilDay(2008, 5, 1)), "Kristi himmelsfärdsdag");
}

}  // namespace
}  // namespace lov
