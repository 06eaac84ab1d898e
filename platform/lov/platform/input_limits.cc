#include "lov/platform/input_limits.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lov/auth/v1/limits.pb.h"
#include "lov/platform/stockholm_time.h"

namespace lov {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsTimestamp(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         field.message_type()->full_name() == "google.protobuf.Timestamp";
}

// Unicode code points of UTF-8 text: every byte that does not continue a
// character starts one.
size_t Characters(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

absl::Status CheckText(const FieldDescriptor& field, absl::string_view value,
                       uint32_t max_length, const std::string& path) {
  // A character is at least one byte.
  if (value.size() <= max_length) return absl::OkStatus();
  if (field.type() == FieldDescriptor::TYPE_BYTES) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is ", value.size(), " bytes long; at most ", max_length));
  }
  const size_t characters = Characters(value);
  if (characters <= max_length) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      path, " is ", characters, " characters long; at most ", max_length));
}

absl::Status CheckTimestamp(const Message& timestamp,
                            const FieldLimitsInForce& limits,
                            const std::string& path, absl::Time now) {
  const auto* type = timestamp.GetDescriptor();
  const auto* reflection = timestamp.GetReflection();
  const int64_t seconds =
      reflection->GetInt64(timestamp, type->FindFieldByName("seconds"));
  const int32_t nanos =
      reflection->GetInt32(timestamp, type->FindFieldByName("nanos"));
  if (nanos < 0 || nanos > 999'999'999) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".nanos is ", nanos, "; must be 0 to 999999999"));
  }
  const absl::Time t =
      absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  if (t < limits.earliest) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is ", FormatRfc3339Utc(t), "; not before ",
                     FormatRfc3339Utc(limits.earliest)));
  }
  const absl::Time latest = now + limits.max_ahead;
  if (t > latest) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is ", FormatRfc3339Utc(t), "; not after ",
        FormatRfc3339Utc(latest), " (",
        absl::ToInt64Hours(limits.max_ahead) / 24, " days from now)"));
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& message, const std::string& prefix,
                          absl::Time now);

// One value of `field` (entry `index` if repeated, else -1).
absl::Status CheckValue(const Message& message, const FieldDescriptor& field,
                        int index, const FieldLimitsInForce& limits,
                        const std::string& path, absl::Time now) {
  const auto* reflection = message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& value =
          index < 0 ? reflection->GetStringReference(message, &field, &scratch)
                    : reflection->GetRepeatedStringReference(message, &field,
                                                             index, &scratch);
      return CheckText(field, value, limits.max_length, path);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& value =
          index < 0 ? reflection->GetMessage(message, &field)
                    : reflection->GetRepeatedMessage(message, &field, index);
      return IsTimestamp(field) ? CheckTimestamp(value, limits, path, now)
                                : CheckMessage(value, path, now);
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status CheckMessage(const Message& message, const std::string& prefix,
                          absl::Time now) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // the fields set, by number
  for (const FieldDescriptor* field : fields) {
    absl::StatusOr<FieldLimitsInForce> limits = LimitsOf(*field);
    if (!limits.ok()) return limits.status();
    const std::string path = prefix.empty()
                                 ? field->name()
                                 : absl::StrCat(prefix, ".", field->name());
    if (!field->is_repeated()) {
      if (absl::Status s = CheckValue(message, *field, -1, *limits, path, now);
          !s.ok()) {
        return s;
      }
      continue;
    }
    const int count = reflection->FieldSize(message, field);
    if (static_cast<uint32_t>(count) > limits->max_count) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, " has ", count, " entries; at most ", limits->max_count));
    }
    for (int i = 0; i < count; ++i) {
      if (absl::Status s = CheckValue(message, *field, i, *limits,
                                      absl::StrCat(path, "[", i, "]"), now);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FieldLimitsInForce> LimitsOf(const FieldDescriptor& field) {
  FieldLimitsInForce limits;
  limits.max_length = field.type() == FieldDescriptor::TYPE_BYTES
                          ? kDefaultMaxBytes
                          : kDefaultMaxStringChars;
  limits.max_count = kDefaultMaxCount;
  limits.earliest = absl::FromUnixSeconds(kDefaultEarliestUnixSeconds);
  limits.max_ahead = absl::Hours(24 * int64_t{kDefaultMaxDaysAhead});
  if (!field.options().HasExtension(auth::v1::limits)) return limits;
  const auth::v1::FieldLimits& option =
      field.options().GetExtension(auth::v1::limits);
  auto malformed = [&field](absl::string_view why) {
    return absl::InternalError(
        absl::StrCat("the limits option of ", field.full_name(), " ", why));
  };
  if (option.max_length() != 0) {
    if (field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      return malformed("sets max_length, but the field holds no text");
    }
    limits.max_length = option.max_length();
  }
  if (option.max_count() != 0) {
    if (!field.is_repeated()) {
      return malformed("sets max_count, but the field is not repeated");
    }
    limits.max_count = option.max_count();
  }
  if (!option.earliest().empty() || option.max_days_ahead() != 0) {
    if (!IsTimestamp(field)) {
      return malformed("sets a time window, but the field is no Timestamp");
    }
  }
  if (!option.earliest().empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, option.earliest(),
                         &limits.earliest, &error)) {
      return malformed(absl::StrCat("has earliest \"", option.earliest(),
                                    "\", not RFC 3339: ", error));
    }
  }
  if (option.max_days_ahead() != 0) {
    limits.max_ahead = absl::Hours(24 * int64_t{option.max_days_ahead()});
  }
  return limits;
}

absl::Status CheckInputLimits(const Message& request, absl::Time now) {
  return CheckMessage(request, "", now);
}

}  // namespace lov
