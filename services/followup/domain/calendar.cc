#include "lov/followup/domain/calendar.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<absl::CivilDay> DateField(
    const std::string& field, const std::string& value,
    std::optional<absl::CivilDay> fallback) {
  if (value.empty()) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": is required (YYYY-MM-DD)"));
  }
  absl::StatusOr<absl::CivilDay> day = ParseDate(value);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", day.status().message()));
  }
  return *day;
}

absl::StatusOr<absl::CivilDay> PastDateField(const std::string& field,
                                             const std::string& value,
                                             absl::CivilDay today) {
  absl::StatusOr<absl::CivilDay> day = DateField(field, value, today);
  if (!day.ok()) return day.status();
  if (*day > today) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", FormatDate(*day), " is after today (",
                     FormatDate(today), ", Stockholm time)"));
  }
  return *day;
}

}  // namespace lov::followup
