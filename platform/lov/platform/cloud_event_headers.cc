#include "lov/platform/cloud_event_headers.h"

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/text.h"

namespace lov {
namespace {

// `message` unless it contains a personnummer (from a hostile or broken
// value it quotes); then `without_value`, which quotes nothing.
absl::Status BadHeader(std::string message, std::string without_value) {
  if (ContainsPersonnummer(message)) {
    return absl::InvalidArgumentError(std::move(without_value));
  }
  return absl::InvalidArgumentError(std::move(message));
}

}  // namespace

absl::StatusOr<CloudEvent> CloudEventFromRecord(const KafkaHeaders& headers,
                                                std::string key,
                                                std::string payload) {
  CloudEvent e;
  e.key = std::move(key);
  e.data = std::move(payload);
  std::string time_text, spec;
  for (const auto& [name, value] : headers) {
    if (name == kCloudEventIdHeader)
      e.id = value;
    else if (name == kCloudEventTypeHeader)
      e.type = value;
    else if (name == kCloudEventSourceHeader)
      e.source = value;
    else if (name == kCloudEventSpecVersionHeader)
      spec = value;
    else if (name == kCloudEventTimeHeader)
      time_text = value;
    else if (name == kCloudEventSubjectHeader)
      e.subject = value;
    else if (name == kCloudEventContentTypeHeader)
      e.content_type = value;
    else
      e.extra_headers.emplace_back(name, value);
  }
  if (e.id.empty()) return absl::InvalidArgumentError("missing header ce_id");
  if (e.type.empty()) {
    return absl::InvalidArgumentError("missing header ce_type");
  }
  if (spec != "1.0") {
    return BadHeader(
        absl::StrCat("ce_specversion is ", Quoted(spec), ", expected 1.0"),
        "ce_specversion is not 1.0");
  }
  absl::StatusOr<absl::Time> t = ParseRfc3339(time_text);
  if (!t.ok()) {
    return BadHeader(absl::StrCat("ce_time: ", t.status().message()),
                     "ce_time is not an RFC 3339 timestamp");
  }
  e.time = *t;
  return e;
}

}  // namespace lov
