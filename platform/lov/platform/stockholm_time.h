// Europe/Stockholm wall-clock time.
//
// Storage and events hold UTC instants (absl::Time). Rules that depend on the
// clock on the wall (evening and night supplements, weekends, holidays, month
// boundaries of the settlement) convert with these helpers, which get
// daylight saving time right: 23-hour days in March, 25-hour days in October.
//
// The zone comes from the system's tzdata. Where tzdata is missing (a slim
// container image) the helpers switch to a built-in copy of the EU rule that
// Sweden has followed since 1996, so they stay correct either way.

#ifndef LOV_PLATFORM_STOCKHOLM_TIME_H_
#define LOV_PLATFORM_STOCKHOLM_TIME_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace lov {

// The Europe/Stockholm zone from tzdata, loaded once (thread-safe).
//
// Without tzdata no absl::TimeZone can express the DST rule, so this is then
// UTC and StockholmZoneFromTzdata() is false. Prefer the helpers below, which
// use the built-in rule in that case; pass this zone to absl directly only
// where no helper fits (for example absl::FormatTime for display).
const absl::TimeZone& StockholmZone();

// False when tzdata was missing and the built-in rule is in use.
bool StockholmZoneFromTzdata();

// The Stockholm wall-clock time at `t` (sub-seconds dropped).
absl::CivilSecond ToStockholm(absl::Time t);

// The instant at which Stockholm clocks show `wall`. A wall time that does
// not exist (02:00-02:59 on the last Sunday of March) is read with the
// offset in force before the change, as a clock not yet put forward would
// show it, which lands after the change: 02:30 -> 03:30 CEST (01:30 UTC).
// A wall time that occurs twice (02:00-02:59 on the last Sunday of October)
// gives the earlier instant, the one in summer time: 02:30 -> 00:30 UTC.
// Both are absl's TimeZone::TimeInfo::pre; note that absl::FromCivil differs
// for skipped times (it returns the moment of the change, 03:00 CEST).
absl::Time FromStockholm(absl::CivilSecond wall);

// The Stockholm calendar date at `t`.
absl::CivilDay StockholmDate(absl::Time t);

// The instant of 00:00 Stockholm time on `day` (midnight always exists
// there: the clocks change at 02:00/03:00).
absl::Time StartOfDay(absl::CivilDay day);

// The instant of 00:00 Stockholm time on the first of `month`.
absl::Time StartOfMonth(absl::CivilMonth month);

// A half-open span of time [start, end).
struct Interval {
  absl::Time start;
  absl::Time end;
};

// [start of month, start of next month) in Stockholm time; the settlement
// period for `month`. March is one hour short, October one hour long.
Interval MonthInterval(absl::CivilMonth month);

int DaysInMonth(absl::CivilMonth month);

// "2024-03-31T01:30:00Z"; fractional seconds appear only when non-zero
// ("2024-03-31T01:30:00.25Z"). absl::InfiniteFuture()/InfinitePast() give
// "infinite-future"/"infinite-past".
std::string FormatRfc3339Utc(absl::Time t);

// Parses an RFC 3339 timestamp with any offset ("Z", "+02:00") and optional
// fractional seconds. Errors are InvalidArgument naming the input.
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

// Parses exactly "YYYY-MM-DD" that names a real calendar date.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text);

// "YYYY-MM-DD".
std::string FormatDate(absl::CivilDay day);

namespace stockholm_internal {

// The built-in rule used without tzdata, exposed so tests can compare it
// with tzdata: CET (UTC+1), and CEST (UTC+2) from 01:00 UTC on the last
// Sunday of March until 01:00 UTC on the last Sunday of October. Correct
// from 1996 on, for as long as the EU keeps the rule.
int RuleUtcOffsetSeconds(absl::Time t);
absl::CivilSecond RuleToCivil(absl::Time t);
absl::Time RuleFromCivil(absl::CivilSecond wall);

}  // namespace stockholm_internal
}  // namespace lov

#endif  // LOV_PLATFORM_STOCKHOLM_TIME_H_
