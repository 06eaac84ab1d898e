#ifndef LOV_PLATFORM_CLOCK_H_
#define LOV_PLATFORM_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lov {

// The time source of the application layers, so tests can fix "now".
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace lov

#endif  // LOV_PLATFORM_CLOCK_H_
