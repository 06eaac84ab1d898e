// RFC 3339 timestamps, dates and periods: what parses formats back to the
// same value, and the Stockholm helpers take any parsed instant.
#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "lov/platform/period.h"
#include "lov/platform/stockholm_time.h"

namespace {

void CheckTimestamp(const std::string& text) {
  const absl::StatusOr<absl::Time> t = lov::ParseRfc3339(text);
  if (!t.ok()) return;
  LOV_FUZZ_CHECK(lov::ParseRfc3339(lov::FormatRfc3339Utc(*t))
                     .value_or(absl::InfinitePast()) == *t);
  const absl::CivilDay day = lov::StockholmDate(*t);
  LOV_FUZZ_CHECK(lov::StartOfDay(day) <= *t);
  lov::stockholm_internal::RuleToCivil(*t);
}

void CheckDate(const std::string& text) {
  const absl::StatusOr<absl::CivilDay> day = lov::ParseDate(text);
  if (!day.ok()) return;
  LOV_FUZZ_CHECK(lov::FormatDate(*day) == text);
  LOV_FUZZ_CHECK(lov::StartOfDay(*day) < lov::StartOfDay(*day + 1));
}

void CheckPeriod(const std::string& text) {
  const absl::StatusOr<absl::CivilMonth> month = lov::ParsePeriod(text);
  if (!month.ok()) return;
  LOV_FUZZ_CHECK(lov::FormatPeriod(*month) == text);
  const lov::Interval interval = lov::MonthInterval(*month);
  LOV_FUZZ_CHECK(interval.start < interval.end);
  const int days = lov::DaysInMonth(*month);
  LOV_FUZZ_CHECK(days >= 28 && days <= 31);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckTimestamp(text);
  CheckDate(text);
  CheckPeriod(text);
  return 0;
}
