#ifndef LOV_PLATFORM_INPUT_LIMITS_H_
#define LOV_PLATFORM_INPUT_LIMITS_H_

// The input limits of requests (proto/lov/auth/v1/limits.proto): how long a
// string, how many entries in a list, which instants a Timestamp may hold.
// Checked once per request message at the API edge (the call guard), so a
// service's work never sees an unbounded field.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lov {

// The defaults of a field without its own `lov.auth.v1.limits` option.
inline constexpr uint32_t kDefaultMaxStringChars = 256;
inline constexpr uint32_t kDefaultMaxBytes = 65536;
inline constexpr uint32_t kDefaultMaxCount = 100;
inline constexpr uint32_t kDefaultMaxDaysAhead = 3660;
// 2000-01-01T00:00:00Z
inline constexpr int64_t kDefaultEarliestUnixSeconds = 946684800;

// A field's limits, its option applied over the defaults. Only the ones
// that fit the field's kind mean anything: max_length for a string (in
// characters, i.e. Unicode code points) or bytes field (in bytes),
// max_count for a repeated field, earliest and max_ahead for a
// google.protobuf.Timestamp.
struct FieldLimitsInForce {
  uint32_t max_length = 0;
  uint32_t max_count = 0;
  absl::Time earliest;
  absl::Duration max_ahead;
};

// The limits in force for `field`; INTERNAL naming the field when its option
// is malformed (a limit its kind cannot have, an `earliest` that is not
// RFC 3339): a defect of the proto, which a test over every service's
// request fields catches.
absl::StatusOr<FieldLimitsInForce> LimitsOf(
    const google::protobuf::FieldDescriptor& field);

// OK, or INVALID_ARGUMENT for the first field over its limit, named by its
// path in the request ("visits[3].staff_id") with the value's size and the
// limit: "report.staff_id is 300 characters long; at most 256". Never
// quotes the value. `now` is the service's clock, for Timestamps.
absl::Status CheckInputLimits(const google::protobuf::Message& request,
                              absl::Time now);

}  // namespace lov

#endif  // LOV_PLATFORM_INPUT_LIMITS_H_
