#ifndef LOV_PLATFORM_PERIOD_H_
#define LOV_PLATFORM_PERIOD_H_

// Reporting and settlement periods are Stockholm calendar months, written
// "YYYY-MM".

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace lov {

// Exactly "YYYY-MM" with a month 01-12 and a year from 1970; InvalidArgument
// naming `field` otherwise.
absl::StatusOr<absl::CivilMonth> ParsePeriod(std::string_view text,
                                             std::string_view field = "period");
std::string FormatPeriod(absl::CivilMonth month);

}  // namespace lov

#endif  // LOV_PLATFORM_PERIOD_H_
