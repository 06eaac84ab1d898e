#ifndef LOV_SERVICES_REGISTRY_APP_QUERIES_AS_OF_H_
#define LOV_SERVICES_REGISTRY_APP_QUERIES_AS_OF_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "lov/platform/stockholm_time.h"

namespace lov::registry {

// The day a query asks about: `as_of` ("YYYY-MM-DD"), or today if empty.
inline absl::StatusOr<absl::CivilDay> AsOf(const std::string& text,
                                           absl::CivilDay today) {
  if (text.empty()) return today;
  absl::StatusOr<absl::CivilDay> day = ParseDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("as_of: ", day.status().message()));
  }
  return *day;
}

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_APP_QUERIES_AS_OF_H_
