#include "lov/settlement/domain/band_calendar.h"

#include <algorithm>

#include "lov/platform/stockholm_time.h"

namespace lov::settlement {

BandCalendar::BandCalendar(absl::CivilMonth month)
    : first_(absl::CivilDay(month) - 1) {
  const absl::CivilDay last = absl::CivilDay(month + 1) + 1;
  for (absl::CivilDay d = first_; d <= last + 1; ++d) {
    starts_.push_back(StartOfDay(d));
  }
}

int BandCalendar::IndexOf(absl::Time t) const {
  if (t < starts_.front() || t >= starts_.back()) return -1;
  auto after = std::upper_bound(starts_.begin(), starts_.end(), t);
  return static_cast<int>(after - starts_.begin()) - 1;
}

absl::CivilDay BandCalendar::DayOf(absl::Time t) const {
  const int i = IndexOf(t);
  return i < 0 ? StockholmDate(t) : first_ + i;
}

const BandCalendar::Schedule& BandCalendar::PiecesOf(
    const BandSchedule& schedule) {
  for (const Schedule& s : schedules_) {
    if (s.schedule == &schedule) return s;
  }
  Schedule s{&schedule, {}};
  for (size_t i = 0; i + 1 < starts_.size(); ++i) {
    s.days.push_back(schedule.DayPieces(first_ + static_cast<int>(i)));
  }
  schedules_.push_back(std::move(s));
  return schedules_.back();
}

const std::vector<BandPiece>& BandCalendar::Split(const BandSchedule& schedule,
                                                  absl::Time start,
                                                  absl::Time end) {
  pieces_.clear();
  if (end <= start) return pieces_;
  const int first = IndexOf(start);
  if (first < 0 || end > starts_.back()) {
    pieces_ = schedule.Split(start, end);
    return pieces_;
  }
  const Schedule& days = PiecesOf(schedule);
  for (size_t i = first; i + 1 < starts_.size() && starts_[i] < end; ++i) {
    for (const BandPiece& p : days.days[i]) {
      internal::AppendPiece(pieces_, p.band, std::max(p.start, start),
                            std::min(p.end, end));
    }
  }
  for (BandPiece& p : pieces_) {
    p.seconds = absl::ToInt64Seconds(p.end - p.start);
  }
  return pieces_;
}

}  // namespace lov::settlement
