#ifndef LOV_TESTS_SUPPORT_FIXED_CLOCK_H_
#define LOV_TESTS_SUPPORT_FIXED_CLOCK_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/platform/clock.h"

namespace lov::testing {

// The clock of an application test: it says what the test sets; a test
// moves time by assigning `now_`.
class FixedClock : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }
  absl::Time now_;
};

// A UTC instant, e.g. UtcTime(2025, 3, 10, 9) for 10:00 in Stockholm.
inline absl::Time UtcTime(int year, int month, int day, int hour,
                          int minute = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                         absl::UTCTimeZone());
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_FIXED_CLOCK_H_
