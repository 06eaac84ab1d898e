#include "lov/platform/swedish_holidays.h"

#include <optional>
#include <string_view>

namespace lov {
namespace {

enum class Kind { kPublicHoliday, kEve };

struct Holiday {
  std::string_view name;
  Kind kind;
};

// Midsummer and All Saints' fall on the weekday `weekday` within the seven
// days that start on `month`/`first_day`.
bool IsWeekdayInWeek(absl::CivilDay day, absl::Weekday weekday, int month,
                     int first_day) {
  const absl::CivilDay first(day.year(), month, first_day);
  return absl::GetWeekday(day) == weekday && day >= first && day < first + 7;
}

std::optional<Holiday> FindHoliday(absl::CivilDay day) {
  constexpr Kind kHoliday = Kind::kPublicHoliday;
  constexpr Kind kEve = Kind::kEve;

  // Movable feasts first, so they win if one ever lands on a fixed date.
  const absl::CivilDay easter = EasterSunday(static_cast<int>(day.year()));
  const absl::civil_diff_t from_easter = day - easter;
  switch (from_easter) {
    case -2:
      return Holiday{"Långfredagen", kHoliday};
    case -1:
      return Holiday{"Påskafton", kEve};
    case 0:
      return Holiday{"Påskdagen", kHoliday};
    case 1:
      return Holiday{"Annandag påsk", kHoliday};
    case 39:
      return Holiday{"Kristi himmelsfärdsdag", kHoliday};
    case 49:
      return Holiday{"Pingstdagen", kHoliday};
    default:
      break;
  }
  if (IsWeekdayInWeek(day, absl::Weekday::friday, 6, 19)) {
    return Holiday{"Midsommarafton", kEve};
  }
  if (IsWeekdayInWeek(day, absl::Weekday::saturday, 6, 20)) {
    return Holiday{"Midsommardagen", kHoliday};
  }
  if (IsWeekdayInWeek(day, absl::Weekday::saturday, 10, 31)) {
    return Holiday{"Alla helgons dag", kHoliday};
  }

  switch (day.month() * 100 + day.day()) {
    case 101:
      return Holiday{"Nyårsdagen", kHoliday};
    case 106:
      return Holiday{"Trettondedag jul", kHoliday};
    case 501:
      return Holiday{"Första maj", kHoliday};
    case 606:
      return Holiday{"Sveriges nationaldag", kHoliday};
    case 1224:
      return Holiday{"Julafton", kEve};
    case 1225:
      return Holiday{"Juldagen", kHoliday};
    case 1226:
      return Holiday{"Annandag jul", kHoliday};
    case 1231:
      return Holiday{"Nyårsafton", kEve};
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::CivilDay EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return absl::CivilDay(year, month, day);
}

bool IsPublicHoliday(absl::CivilDay day) {
  const std::optional<Holiday> holiday = FindHoliday(day);
  return holiday.has_value() && holiday->kind == Kind::kPublicHoliday;
}

bool IsHolidayEve(absl::CivilDay day) {
  const std::optional<Holiday> holiday = FindHoliday(day);
  return holiday.has_value() && holiday->kind == Kind::kEve;
}

std::string HolidayName(absl::CivilDay day) {
  const std::optional<Holiday> holiday = FindHoliday(day);
  return holiday.has_value() ? std::string(holiday->name) : std::string();
}

}  // namespace lov
