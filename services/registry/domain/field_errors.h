#ifndef LOV_SERVICES_REGISTRY_DOMAIN_FIELD_ERRORS_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_FIELD_ERRORS_H_

// The errors the registry's rules answer with, written once for
// registry_rules.cc and sanction_rules.cc: INVALID_ARGUMENT naming the
// field and why, FAILED_PRECONDITION saying which rule, and a date field
// read as either.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "lov/platform/stockholm_time.h"

namespace lov::registry::internal {

inline absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

inline absl::Status Rule(const std::string& why) {
  return absl::FailedPreconditionError(why);
}

// Parses a required or optional date field; an empty optional one is
// `fallback`.
inline absl::StatusOr<absl::CivilDay> DateField(
    const std::string& field, const std::string& value,
    std::optional<absl::CivilDay> fallback) {
  if (value.empty()) {
    if (fallback) return *fallback;
    return Invalid(field, "is required (YYYY-MM-DD)");
  }
  absl::StatusOr<absl::CivilDay> day = ParseDate(value);
  if (!day.ok()) return Invalid(field, std::string(day.status().message()));
  return *day;
}

}  // namespace lov::registry::internal

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_FIELD_ERRORS_H_
