#include "lov/platform/stockholm_time.h"

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/text.h"

namespace lov {
namespace {

constexpr int kCetOffsetSeconds = 3600;
constexpr int kCestOffsetSeconds = 7200;

struct LoadedZone {
  absl::TimeZone zone;  // UTC when tzdata is missing.
  bool from_tzdata = false;
};

const LoadedZone& Loaded() {
  // Leaked on purpose: a function-local static that is never destroyed is
  // safe to use from other static destructors and from any thread.
  static const LoadedZone* const loaded = [] {
    auto* result = new LoadedZone;
    result->from_tzdata = absl::LoadTimeZone("Europe/Stockholm", &result->zone);
    if (!result->from_tzdata) {
      // Operators should know that tzdata is missing from the image.
      std::fprintf(stderr,
                   "lov: tzdata for Europe/Stockholm not found; using the "
                   "built-in EU daylight saving rule\n");
    }
    return result;
  }();
  return *loaded;
}

// The instant of 01:00 UTC on the last Sunday of `month` in `year`, when EU
// clocks change.
absl::Time EuTransition(absl::civil_year_t year, int month) {
  const absl::CivilDay last_sunday = absl::PrevWeekday(
      absl::CivilDay(year, month + 1, 1), absl::Weekday::sunday);
  return absl::FromCivil(absl::CivilSecond(last_sunday) + 3600,
                         absl::UTCTimeZone());
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace stockholm_internal {

int RuleUtcOffsetSeconds(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return kCetOffsetSeconds;
  }
  // No clock change falls near New Year, so the UTC year picks the right
  // pair of transitions.
  const absl::civil_year_t year =
      absl::ToCivilYear(t, absl::UTCTimeZone()).year();
  const bool summer = t >= EuTransition(year, 3) && t < EuTransition(year, 10);
  return summer ? kCestOffsetSeconds : kCetOffsetSeconds;
}

absl::CivilSecond RuleToCivil(absl::Time t) {
  const absl::CivilSecond utc = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return utc;
  return utc + RuleUtcOffsetSeconds(t);
}

absl::Time RuleFromCivil(absl::CivilSecond wall) {
  const absl::Time as_utc = absl::FromCivil(wall, absl::UTCTimeZone());
  const absl::Time if_winter = as_utc - absl::Seconds(kCetOffsetSeconds);
  const absl::Time if_summer = as_utc - absl::Seconds(kCestOffsetSeconds);
  // Summer time fits alone in summer, and together with winter time in the
  // repeated autumn hour, where the earlier (summer) instant is wanted.
  if (RuleUtcOffsetSeconds(if_summer) == kCestOffsetSeconds) return if_summer;
  // Winter time fits, or nothing does (the skipped spring hour, where the
  // offset before the change, winter's, moves the time forward).
  return if_winter;
}

}  // namespace stockholm_internal

const absl::TimeZone& StockholmZone() { return Loaded().zone; }

bool StockholmZoneFromTzdata() { return Loaded().from_tzdata; }

absl::CivilSecond ToStockholm(absl::Time t) {
  const LoadedZone& loaded = Loaded();
  return loaded.from_tzdata ? absl::ToCivilSecond(t, loaded.zone)
                            : stockholm_internal::RuleToCivil(t);
}

absl::Time FromStockholm(absl::CivilSecond wall) {
  const LoadedZone& loaded = Loaded();
  // TimeInfo::pre uses the offset in force before the change: the forward
  // shift for a skipped time and the earlier instant for a repeated one.
  // (absl::FromCivil would give the transition instant for a skipped time.)
  return loaded.from_tzdata ? loaded.zone.At(wall).pre
                            : stockholm_internal::RuleFromCivil(wall);
}

absl::CivilDay StockholmDate(absl::Time t) {
  return absl::CivilDay(ToStockholm(t));
}

absl::Time StartOfDay(absl::CivilDay day) {
  return FromStockholm(absl::CivilSecond(day));
}

absl::Time StartOfMonth(absl::CivilMonth month) {
  return StartOfDay(absl::CivilDay(month));
}

Interval MonthInterval(absl::CivilMonth month) {
  return Interval{StartOfMonth(month), StartOfMonth(month + 1)};
}

int DaysInMonth(absl::CivilMonth month) {
  return static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
}

std::string FormatRfc3339Utc(absl::Time t) {
  // %E*S prints fractional seconds only when there are any.
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  const auto error = [text](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid RFC 3339 timestamp ", Quoted(text), ": ", why));
  };
  // absl tolerates surrounding whitespace; RFC 3339 does not.
  if (text.empty() || absl::ascii_isspace(text.front()) ||
      absl::ascii_isspace(text.back())) {
    return error("expected e.g. 2024-03-31T01:30:00Z");
  }
  absl::Time t;
  std::string why;
  if (!absl::ParseTime(absl::RFC3339_full, AsAbsl(text), &t, &why)) {
    return error(why);
  }
  // absl also accepts the words "infinite-future" and "infinite-past".
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return error("not a finite time");
  }
  return t;
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text) {
  const bool well_formed =
      text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) &&
      IsDigit(text[3]) && IsDigit(text[5]) && IsDigit(text[6]) &&
      IsDigit(text[8]) && IsDigit(text[9]);
  if (!well_formed) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid date ", Quoted(text), ": expected YYYY-MM-DD"));
  }
  const auto number = [text](size_t pos, size_t len) {
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i)
      value = value * 10 + (text[i] - '0');
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  // CivilDay normalises 2023-02-29 to 2023-03-01; a changed field means the
  // date does not exist.
  const absl::CivilDay parsed(year, month, day);
  if (parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid date ", Quoted(text), ": no such calendar day"));
  }
  return parsed;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace lov
