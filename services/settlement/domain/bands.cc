#include "lov/settlement/domain/bands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/swedish_holidays.h"

namespace lov::settlement {
namespace {

bool IsHoliday(absl::CivilDay day, const v1::BandDefinition& bands) {
  return IsPublicHoliday(day) ||
         (bands.holiday_eves_are_holidays() && IsHolidayEve(day));
}

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

// The band of a time of day on an ordinary weekday.
v1::Band WeekdayBand(int minute, const v1::BandDefinition& bands) {
  if (minute < bands.day_start_minute() ||
      minute >= bands.night_start_minute()) {
    return v1::BAND_NIGHT;
  }
  if (minute >= bands.evening_start_minute()) return v1::BAND_EVENING;
  return v1::BAND_DAY;
}

absl::Time AtMinute(absl::CivilDay day, int minute) {
  if (minute >= 24 * 60) return StartOfDay(day + 1);
  return FromStockholm(absl::CivilSecond(day.year(), day.month(), day.day(),
                                         minute / 60, minute % 60, 0));
}

}  // namespace

absl::Status ValidateBands(const v1::BandDefinition& bands) {
  if (bands.day_start_minute() < 0) {
    return absl::InvalidArgumentError(
        "bands.day_start_minute: must be 0 or more");
  }
  if (bands.evening_start_minute() <= bands.day_start_minute()) {
    return absl::InvalidArgumentError(
        "bands.evening_start_minute: must be after day_start_minute");
  }
  if (bands.night_start_minute() < bands.evening_start_minute()) {
    return absl::InvalidArgumentError(
        "bands.night_start_minute: must not be before evening_start_minute");
  }
  if (bands.night_start_minute() > 24 * 60) {
    return absl::InvalidArgumentError(
        "bands.night_start_minute: must be at most 1440 (midnight)");
  }
  return absl::OkStatus();
}

v1::Band BandAt(absl::Time t, const v1::BandDefinition& bands) {
  absl::CivilSecond wall = ToStockholm(t);
  absl::CivilDay day(wall);
  if (IsHoliday(day, bands)) return v1::BAND_HOLIDAY;
  if (IsWeekend(day)) return v1::BAND_WEEKEND;
  return WeekdayBand(wall.hour() * 60 + wall.minute(), bands);
}

std::vector<BandPiece> SplitIntoBands(absl::Time start, absl::Time end,
                                      const v1::BandDefinition& bands) {
  std::vector<BandPiece> pieces;
  if (end <= start) return pieces;
  auto add = [&](v1::Band band, absl::Time from, absl::Time to) {
    from = std::max(from, start);
    to = std::min(to, end);
    if (to <= from) return;
    if (!pieces.empty() && pieces.back().band == band &&
        pieces.back().end == from) {
      pieces.back().end = to;
    } else {
      pieces.push_back({band, from, to, 0});
    }
  };
  for (absl::CivilDay day = StockholmDate(start);; ++day) {
    const absl::Time day_start = StartOfDay(day);
    if (day_start >= end) break;
    const absl::Time next_day = StartOfDay(day + 1);
    if (IsHoliday(day, bands)) {
      add(v1::BAND_HOLIDAY, day_start, next_day);
    } else if (IsWeekend(day)) {
      add(v1::BAND_WEEKEND, day_start, next_day);
    } else {
      const int cuts[] = {0, bands.day_start_minute(),
                          bands.evening_start_minute(),
                          bands.night_start_minute(), 24 * 60};
      for (int i = 0; i + 1 < 5; ++i) {
        if (cuts[i] >= cuts[i + 1]) continue;
        add(WeekdayBand(cuts[i], bands), AtMinute(day, cuts[i]),
            AtMinute(day, cuts[i + 1]));
      }
    }
  }
  for (BandPiece& p : pieces) p.seconds = absl::ToInt64Seconds(p.end - p.start);
  return pieces;
}

}  // namespace lov::settlement
