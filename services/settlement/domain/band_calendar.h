#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_BAND_CALENDAR_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_BAND_CALENDAR_H_

// The Stockholm days around one statement's month, worked out once: each
// day's first instant and, per band schedule, the day's band pieces
// (BandSchedule::DayPieces). Pricing a month of visits then finds a visit's
// day by a search among ~35 instants and cuts its pieces out of the day's,
// instead of converting time zones and looking up holidays per visit.
// Answers are those of StockholmDate and BandSchedule::Split; instants
// outside the days held fall back to them. One calendar per statement
// being built (it fills its pieces as schedules are met; not shared).

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/settlement/domain/bands.h"

namespace lov::settlement {

class BandCalendar {
 public:
  // The day before `month` to the second day after it: visits of the month
  // that start just before midnight on its last day end in the next.
  explicit BandCalendar(absl::CivilMonth month);

  // StockholmDate(t).
  absl::CivilDay DayOf(absl::Time t) const;

  // schedule.Split(start, end); the reference stays valid until the next
  // call.
  const std::vector<BandPiece>& Split(const BandSchedule& schedule,
                                      absl::Time start, absl::Time end);

 private:
  struct Schedule {
    const BandSchedule* schedule;
    std::vector<std::vector<BandPiece>> days;  // DayPieces of first_ + i
  };
  // The index of t's day among the days held, or -1 outside them.
  int IndexOf(absl::Time t) const;
  const Schedule& PiecesOf(const BandSchedule& schedule);

  absl::CivilDay first_;
  std::vector<absl::Time> starts_;  // StartOfDay(first_ + i), one past last
  std::vector<Schedule> schedules_;
  std::vector<BandPiece> pieces_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_BAND_CALENDAR_H_
