// Re-choice timing, cap and deadlines; expected dates worked out by hand
// on a calendar.
#include "lov/choice/domain/rechoice_rules.h"

#include <gtest/gtest.h>

#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

v1::ChoicePolicy NoticeDays(int days) {
  v1::ChoicePolicy p = DefaultPolicy();
  p.set_rechoice_timing(v1::RECHOICE_TIMING_NOTICE_DAYS);
  p.set_rechoice_notice_days(days);
  return p;
}

v1::ChoicePolicy OneMonth() {
  v1::ChoicePolicy p = DefaultPolicy();
  p.set_rechoice_timing(v1::RECHOICE_TIMING_ONE_MONTH);
  return p;
}

v1::ChoicePolicy Cutoff(int day) {
  v1::ChoicePolicy p = DefaultPolicy();
  p.set_rechoice_timing(v1::RECHOICE_TIMING_CUTOFF);
  p.set_rechoice_cutoff_day(day);
  return p;
}

TEST(RechoiceEffectiveDate, NoticeDaysCrossMonthAndYearEnds) {
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(14), D(2025, 1, 20)),
            D(2025, 2, 3));
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(14), D(2024, 12, 25)),
            D(2025, 1, 8));
  // 2024 is a leap year: February has 29 days.
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(14), D(2024, 2, 20)),
            D(2024, 3, 5));
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(14), D(2025, 2, 20)),
            D(2025, 3, 6));
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(31), D(2025, 1, 31)),
            D(2025, 3, 3));
}

TEST(RechoiceEffectiveDate, NoticeDaysAreCalendarDaysInDstWeeks) {
  // Summer time starts on Sunday 2025-03-30 (a 23-hour day) and ends on
  // Sunday 2025-10-26 (a 25-hour day): still one day each.
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(5), D(2025, 3, 27)),
            D(2025, 4, 1));
  EXPECT_EQ(RechoiceEffectiveDate(NoticeDays(5), D(2025, 10, 23)),
            D(2025, 10, 28));
}

TEST(ReportedOn, IsTheStockholmDateAcrossDstChanges) {
  // CEST (UTC+2) from 2025-03-30 01:00 UTC: 22:30 UTC is already tomorrow.
  EXPECT_EQ(ReportedOn(*ParseRfc3339("2025-03-30T22:30:00Z")), D(2025, 3, 31));
  // The night before, still CET (UTC+1): 23:30 UTC is 00:30 local.
  EXPECT_EQ(ReportedOn(*ParseRfc3339("2025-03-29T23:30:00Z")), D(2025, 3, 30));
  // CET again from 2025-10-26 01:00 UTC: 22:30 UTC is 23:30 the same day.
  EXPECT_EQ(ReportedOn(*ParseRfc3339("2025-10-26T22:30:00Z")), D(2025, 10, 26));
  // The evening before, CEST: 22:30 UTC is 00:30 the next day.
  EXPECT_EQ(ReportedOn(*ParseRfc3339("2025-10-25T22:30:00Z")), D(2025, 10, 26));
  // A re-choice reported then with 5 days' notice.
  EXPECT_EQ(
      RechoiceEffectiveDate(NoticeDays(5),
                            ReportedOn(*ParseRfc3339("2025-10-25T22:30:00Z"))),
      D(2025, 10, 31));
}

TEST(RechoiceEffectiveDate, OneMonthClampsToTheLastDayOfShortMonths) {
  EXPECT_EQ(RechoiceEffectiveDate(OneMonth(), D(2025, 1, 31)), D(2025, 2, 28));
  EXPECT_EQ(RechoiceEffectiveDate(OneMonth(), D(2024, 1, 31)), D(2024, 2, 29));
  EXPECT_EQ(RechoiceEffectiveDate(OneMonth(), D(2025, 3, 31)), D(2025, 4, 30));
  EXPECT_EQ(RechoiceEffectiveDate(OneMonth(), D(2025, 12, 15)), D(2026, 1, 15));
  EXPECT_EQ(RechoiceEffectiveDate(OneMonth(), D(2025, 2, 28)), D(2025, 3, 28));
}

TEST(RechoiceEffectiveDate, CutoffByThe20thMeansThe1stOfNextMonth) {
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 1, 20)), D(2025, 2, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 1, 21)), D(2025, 3, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 1, 1)), D(2025, 2, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 12, 20)), D(2026, 1, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 12, 21)), D(2026, 2, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 11, 30)), D(2026, 1, 1));
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2024, 2, 29)), D(2024, 4, 1));
  // In the DST-change week of October.
  EXPECT_EQ(RechoiceEffectiveDate(Cutoff(20), D(2025, 10, 26)), D(2025, 12, 1));
}

TEST(CheckRechoiceCap, OffByDefault) {
  EXPECT_EQ(DefaultPolicy().max_rechoices_per_12_months(), 0);
  EXPECT_TRUE(CheckRechoiceCap({"2025-01-01", "2025-02-01", "2025-03-01"},
                               D(2025, 4, 1), 0)
                  .ok());
}

TEST(CheckRechoiceCap, CountsTheLast12Months) {
  absl::Status s =
      CheckRechoiceCap({"2024-06-01", "2025-03-01"}, D(2025, 5, 1), 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("re-choice cap"), absl::string_view::npos);
  EXPECT_NE(s.message().find("at most 2"), absl::string_view::npos);
  // 2024-05-01 is exactly a year before: outside the window.
  EXPECT_TRUE(
      CheckRechoiceCap({"2024-05-01", "2025-03-01"}, D(2025, 5, 1), 2).ok());
  EXPECT_TRUE(CheckRechoiceCap({"2025-03-01"}, D(2025, 5, 1), 2).ok());
}

TEST(RechoiceDeadline, LeadDaysBeforeLeavingButNeverInThePast) {
  EXPECT_EQ(RechoiceDeadline(D(2025, 6, 1), 14, D(2025, 3, 1)), D(2025, 5, 18));
  EXPECT_EQ(RechoiceDeadline(D(2025, 3, 1), 14, D(2025, 1, 1)), D(2025, 2, 15));
  EXPECT_EQ(RechoiceDeadline(D(2025, 6, 1), 14, D(2025, 5, 25)),
            D(2025, 5, 25));
  EXPECT_EQ(RechoiceDeadline(D(2025, 6, 1), 14, D(2025, 6, 1)), D(2025, 5, 31));
}

TEST(ValidatePolicy, NamesTheFieldAndTheRule) {
  EXPECT_TRUE(ValidatePolicy(DefaultPolicy()).ok());
  EXPECT_TRUE(ValidatePolicy(NoticeDays(5)).ok());
  EXPECT_TRUE(ValidatePolicy(NoticeDays(31)).ok());
  absl::Status s = ValidatePolicy(NoticeDays(4));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("rechoice_notice_days"), absl::string_view::npos);
  EXPECT_FALSE(ValidatePolicy(NoticeDays(32)).ok());
  EXPECT_FALSE(ValidatePolicy(Cutoff(29)).ok());
  v1::ChoicePolicy proximity = DefaultPolicy();
  proximity.set_allocation_policy(v1::ALLOCATION_POLICY_PROXIMITY);
  s = ValidatePolicy(proximity);
  EXPECT_NE(s.message().find("designated_providers"), absl::string_view::npos);
  v1::ChoicePolicy none = DefaultPolicy();
  none.set_allocation_policy(v1::ALLOCATION_POLICY_UNSPECIFIED);
  EXPECT_NE(ValidatePolicy(none).message().find("allocation_policy"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace lov::choice
