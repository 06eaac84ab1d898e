#include "lov/settlement/domain/bands.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/swedish_holidays.h"

namespace lov::settlement {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMaxWindows = 200;
constexpr int kMaxExtraEves = 100;

// A kind of day is base * 3 + extra: base 0 Monday-Thursday, 1 Friday,
// 2 Saturday, 3 Sunday; extra 0 none, 1 holiday eve, 2 public holiday.
constexpr int kExtraEve = 1;
constexpr int kExtraHoliday = 2;

bool KindHas(int kind, v1::DayType type) {
  const int base = kind / 3;
  const int extra = kind % 3;
  switch (type) {
    case v1::DAY_TYPE_WEEKDAY:
      return base <= 1;
    case v1::DAY_TYPE_FRIDAY:
      return base == 1;
    case v1::DAY_TYPE_SATURDAY:
      return base == 2;
    case v1::DAY_TYPE_SUNDAY:
      return base == 3;
    case v1::DAY_TYPE_HOLIDAY_EVE:
      return extra == kExtraEve;
    case v1::DAY_TYPE_PUBLIC_HOLIDAY:
      return extra == kExtraHoliday;
    default:
      return false;
  }
}

std::string KindName(int kind) {
  static constexpr const char* kBase[] = {
      "WEEKDAY (Monday to Thursday)", "WEEKDAY + FRIDAY", "SATURDAY", "SUNDAY"};
  static constexpr const char* kExtra[] = {"", " + HOLIDAY_EVE",
                                           " + PUBLIC_HOLIDAY"};
  return absl::StrCat(kBase[kind / 3], kExtra[kind % 3]);
}

bool AppliesOn(const v1::BandWindow& w, int kind) {
  for (int t : w.day_types()) {
    if (KindHas(kind, static_cast<v1::DayType>(t))) return true;
  }
  return false;
}

std::string Clock(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

// The segments of one kind of day and, if any, the first range that is
// uncovered or claimed by bands that precedence does not rank.
struct Resolved {
  std::vector<std::pair<std::pair<int, int>, v1::Band>> segments;
  std::string problem;
};

Resolved Resolve(const v1::BandRules& rules, int kind) {
  std::map<int, int> rank;  // band -> position in precedence
  for (int i = 0; i < rules.precedence_size(); ++i) {
    rank.emplace(rules.precedence(i), i);
  }
  std::vector<const v1::BandWindow*> windows;
  std::set<int> cuts = {0, kMinutesPerDay};
  for (const v1::BandWindow& w : rules.windows()) {
    if (!AppliesOn(w, kind)) continue;
    windows.push_back(&w);
    cuts.insert(std::clamp(w.start_minute(), 0, kMinutesPerDay));
    cuts.insert(std::clamp(w.end_minute(), 0, kMinutesPerDay));
  }
  Resolved out;
  std::string open_problem;  // of the range being reported, if any
  int problem_from = 0;
  int problem_to = 0;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const int from = *it;
    const int to = *std::next(it);
    std::set<int> bands;
    for (const v1::BandWindow* w : windows) {
      if (w->start_minute() <= from && to <= w->end_minute()) {
        bands.insert(w->band());
      }
    }
    v1::Band winner = v1::BAND_UNSPECIFIED;
    std::string problem;
    if (bands.empty()) {
      problem =
          "is in no window (every minute of every kind of day needs a "
          "band)";
    } else {
      bool all_ranked = true;
      int best = -1;
      for (int b : bands) {
        auto r = rank.find(b);
        if (r == rank.end()) {
          all_ranked = false;
        } else if (best < 0 || r->second < rank.at(best)) {
          best = b;
        }
      }
      if (bands.size() > 1 && !all_ranked) {
        std::vector<std::string> names;
        for (int b : bands) {
          names.push_back(v1::Band_Name(static_cast<v1::Band>(b)));
        }
        problem = absl::StrCat(
            "is in windows of more than one band (", absl::StrJoin(names, ", "),
            "); rank them in table.band_rules.precedence to say which wins");
      }
      winner = static_cast<v1::Band>(best >= 0 ? best : *bands.begin());
    }
    if (!out.segments.empty() && out.segments.back().second == winner &&
        out.segments.back().first.second == from) {
      out.segments.back().first.second = to;
    } else {
      out.segments.push_back({{from, to}, winner});
    }
    if (out.problem.empty()) {
      if (!problem.empty() && problem == open_problem && problem_to == from) {
        problem_to = to;
      } else if (!open_problem.empty()) {
        out.problem =
            absl::StrCat("on ", KindName(kind), " days, ", Clock(problem_from),
                         "-", Clock(problem_to), " ", open_problem);
      } else if (!problem.empty()) {
        open_problem = problem;
        problem_from = from;
        problem_to = to;
      }
    }
  }
  if (out.problem.empty() && !open_problem.empty()) {
    out.problem =
        absl::StrCat("on ", KindName(kind), " days, ", Clock(problem_from), "-",
                     Clock(problem_to), " ", open_problem);
  }
  return out;
}

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// "MM-DD" as (month, day), valid in a leap year so that 02-29 is allowed.
std::optional<std::pair<int, int>> ParseMonthDay(const std::string& text) {
  if (text.size() != 5 || text[2] != '-' || !AllDigits(text.substr(0, 2)) ||
      !AllDigits(text.substr(3, 2))) {
    return std::nullopt;
  }
  const int month = std::stoi(text.substr(0, 2));
  const int day = std::stoi(text.substr(3, 2));
  const absl::CivilDay d(2024, month, day);
  if (d.month() != month || d.day() != day) return std::nullopt;
  return std::make_pair(month, day);
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
  if (bands.night_start_minute() > kMinutesPerDay) {
    return absl::InvalidArgumentError(
        "bands.night_start_minute: must be at most 1440 (midnight)");
  }
  return absl::OkStatus();
}

v1::BandRules DefaultBandRules(const v1::BandDefinition& bands) {
  v1::BandRules rules;
  auto window = [&](std::initializer_list<v1::DayType> types, int from, int to,
                    v1::Band band) {
    if (from >= to) return;
    v1::BandWindow* w = rules.add_windows();
    for (v1::DayType t : types) w->add_day_types(t);
    w->set_start_minute(from);
    w->set_end_minute(to);
    w->set_band(band);
  };
  const auto every_day = {v1::DAY_TYPE_WEEKDAY, v1::DAY_TYPE_SATURDAY,
                          v1::DAY_TYPE_SUNDAY};
  window(every_day, 0, bands.day_start_minute(), v1::BAND_NIGHT);
  window({v1::DAY_TYPE_WEEKDAY}, bands.day_start_minute(),
         bands.evening_start_minute(), v1::BAND_DAY);
  window({v1::DAY_TYPE_WEEKDAY}, bands.evening_start_minute(),
         bands.night_start_minute(), v1::BAND_EVENING);
  window(every_day, bands.night_start_minute(), kMinutesPerDay, v1::BAND_NIGHT);
  window({v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY}, 0, kMinutesPerDay,
         v1::BAND_WEEKEND);
  if (bands.holiday_eves_are_holidays()) {
    window({v1::DAY_TYPE_PUBLIC_HOLIDAY, v1::DAY_TYPE_HOLIDAY_EVE}, 0,
           kMinutesPerDay, v1::BAND_HOLIDAY);
  } else {
    window({v1::DAY_TYPE_PUBLIC_HOLIDAY}, 0, kMinutesPerDay, v1::BAND_HOLIDAY);
  }
  for (v1::Band b : {v1::BAND_HOLIDAY, v1::BAND_WEEKEND, v1::BAND_NIGHT,
                     v1::BAND_EVENING, v1::BAND_DAY}) {
    rules.add_precedence(b);
  }
  return rules;
}

absl::Status ValidateBandRules(const v1::BandRules& rules) {
  if (rules.windows_size() > kMaxWindows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table.band_rules.windows: at most ", kMaxWindows, " windows"));
  }
  for (int i = 0; i < rules.windows_size(); ++i) {
    const v1::BandWindow& w = rules.windows(i);
    const std::string f = absl::StrCat("table.band_rules.windows[", i, "]");
    if (w.day_types().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(f, ".day_types: name at least one day type"));
    }
    for (int t : w.day_types()) {
      if (t == v1::DAY_TYPE_UNSPECIFIED || !v1::DayType_IsValid(t)) {
        return absl::InvalidArgumentError(
            absl::StrCat(f, ".day_types: ", t, " is not a day type"));
      }
    }
    if (w.start_minute() < 0 || w.start_minute() >= kMinutesPerDay) {
      return absl::InvalidArgumentError(
          absl::StrCat(f, ".start_minute: must be from 0 to 1439"));
    }
    if (w.end_minute() <= w.start_minute() || w.end_minute() > kMinutesPerDay) {
      return absl::InvalidArgumentError(absl::StrCat(
          f,
          ".end_minute: must be after start_minute and at most 1440 "
          "(midnight; a night is two windows)"));
    }
    if (w.band() == v1::BAND_UNSPECIFIED || !v1::Band_IsValid(w.band())) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".band: is required"));
    }
  }
  std::set<int> ranked;
  for (int i = 0; i < rules.precedence_size(); ++i) {
    const int b = rules.precedence(i);
    if (b == v1::BAND_UNSPECIFIED || !v1::Band_IsValid(b)) {
      return absl::InvalidArgumentError(
          absl::StrCat("table.band_rules.precedence[", i, "]: is not a band"));
    }
    if (!ranked.insert(b).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "table.band_rules.precedence[", i,
          "]: ", v1::Band_Name(static_cast<v1::Band>(b)), " is listed twice"));
    }
  }
  if (rules.extra_eves_size() > kMaxExtraEves) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table.band_rules.extra_eves: at most ", kMaxExtraEves, " dates"));
  }
  for (int i = 0; i < rules.extra_eves_size(); ++i) {
    const std::string& e = rules.extra_eves(i);
    if (!ParseMonthDay(e) && !ParseDate(e).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "table.band_rules.extra_eves[", i, "]: '", e,
          "' is neither MM-DD (every year) nor YYYY-MM-DD (once)"));
    }
  }
  // Plain days first, so that a gap is reported on the simplest kind of
  // day it shows on.
  for (int extra = 0; extra < 3; ++extra) {
    for (int base = 0; base < 4; ++base) {
      Resolved r = Resolve(rules, base * 3 + extra);
      if (!r.problem.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("table.band_rules: ", r.problem));
      }
    }
  }
  return absl::OkStatus();
}

BandSchedule::BandSchedule(const v1::BandRules& rules) {
  for (int kind = 0; kind < kKinds; ++kind) {
    for (const auto& [range, band] : Resolve(rules, kind).segments) {
      segments_[kind].push_back({range.first, range.second, band});
    }
  }
  for (const std::string& e : rules.extra_eves()) {
    if (auto md = ParseMonthDay(e)) {
      yearly_eves_.insert(*md);
    } else if (absl::StatusOr<absl::CivilDay> d = ParseDate(e); d.ok()) {
      dated_eves_.insert(*d);
    }
  }
}

BandSchedule BandSchedule::ForTable(const v1::RateTable& table) {
  return BandSchedule(table.has_band_rules() ? table.band_rules()
                                             : DefaultBandRules(table.bands()));
}

int BandSchedule::KindOf(absl::CivilDay day) const {
  int base = 0;
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::friday:
      base = 1;
      break;
    case absl::Weekday::saturday:
      base = 2;
      break;
    case absl::Weekday::sunday:
      base = 3;
      break;
    default:
      break;
  }
  int extra = 0;
  if (IsPublicHoliday(day)) {
    extra = kExtraHoliday;
  } else if (IsHolidayEve(day) ||
             (!yearly_eves_.empty() &&
              yearly_eves_.count({day.month(), day.day()})) ||
             (!dated_eves_.empty() && dated_eves_.count(day))) {
    extra = kExtraEve;
  }
  return base * 3 + extra;
}

v1::Band BandSchedule::At(absl::Time t) const {
  const absl::CivilSecond wall = ToStockholm(t);
  const int minute = wall.hour() * 60 + wall.minute();
  for (const Segment& s : segments_[KindOf(absl::CivilDay(wall))]) {
    if (minute < s.end_minute) return s.band;
  }
  return v1::BAND_UNSPECIFIED;
}

void internal::AppendPiece(std::vector<BandPiece>& pieces, v1::Band band,
                           absl::Time from, absl::Time to) {
  if (to <= from) return;
  if (!pieces.empty() && pieces.back().band == band &&
      pieces.back().end == from) {
    pieces.back().end = to;
  } else {
    pieces.push_back({band, from, to, 0});
  }
}

std::vector<BandPiece> BandSchedule::DayPieces(absl::CivilDay day) const {
  std::vector<BandPiece> pieces;
  const absl::Time day_start = StartOfDay(day);
  const absl::Time next_day = StartOfDay(day + 1);
  // Stretches of the day with one UTC offset: the wall clock shows
  // `wall_seconds` after midnight at `from` and runs with real time.
  struct Stretch {
    absl::Time from;
    absl::Time to;
    int64_t wall_seconds;
  };
  std::vector<Stretch> stretches;
  if (next_day - day_start == absl::Hours(24)) {
    stretches.push_back({day_start, next_day, 0});
  } else {
    // A daylight-saving day: find the change, the first second at which
    // the wall clock no longer runs with real time since midnight.
    const absl::CivilSecond midnight(day);
    int64_t lo = 0;  // still in step
    int64_t hi = absl::ToInt64Seconds(next_day - day_start) - 1;
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) / 2;
      const absl::Time t = day_start + absl::Seconds(mid);
      if (ToStockholm(t) - midnight == mid) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    const absl::Time change = day_start + absl::Seconds(hi);
    stretches.push_back({day_start, change, 0});
    stretches.push_back({change, next_day, ToStockholm(change) - midnight});
  }
  const std::vector<Segment>& segments = segments_[KindOf(day)];
  for (const Stretch& s : stretches) {
    for (const Segment& seg : segments) {
      const absl::Time from =
          s.from + absl::Seconds(seg.start_minute * 60 - s.wall_seconds);
      const absl::Time to =
          s.from + absl::Seconds(seg.end_minute * 60 - s.wall_seconds);
      internal::AppendPiece(pieces, seg.band, std::max(from, s.from),
                            std::min(to, s.to));
    }
  }
  return pieces;
}

std::vector<BandPiece> BandSchedule::Split(absl::Time start,
                                           absl::Time end) const {
  std::vector<BandPiece> pieces;
  if (end <= start) return pieces;
  for (absl::CivilDay day = StockholmDate(start);; ++day) {
    if (StartOfDay(day) >= end) break;
    for (const BandPiece& p : DayPieces(day)) {
      internal::AppendPiece(pieces, p.band, std::max(p.start, start),
                            std::min(p.end, end));
    }
  }
  for (BandPiece& p : pieces) p.seconds = absl::ToInt64Seconds(p.end - p.start);
  return pieces;
}

v1::Band BandAt(absl::Time t, const v1::BandDefinition& bands) {
  return BandSchedule(DefaultBandRules(bands)).At(t);
}

std::vector<BandPiece> SplitIntoBands(absl::Time start, absl::Time end,
                                      const v1::BandDefinition& bands) {
  return BandSchedule(DefaultBandRules(bands)).Split(start, end);
}

}  // namespace lov::settlement
