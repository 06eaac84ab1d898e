// Reading a consumed Kafka record into a CloudEvent (CloudEvents 1.0, Kafka
// binary mode), as a pure function over the record's headers, key and value,
// so the decoding of untrusted headers is unit-tested and fuzzed without a
// broker (fuzz/cloud_event_headers_fuzz.cc).
#ifndef LOV_PLATFORM_CLOUD_EVENT_HEADERS_H_
#define LOV_PLATFORM_CLOUD_EVENT_HEADERS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/platform/kafka.h"

namespace lov {

// The headers of the CloudEvent attributes.
inline constexpr char kCloudEventIdHeader[] = "ce_id";
inline constexpr char kCloudEventTypeHeader[] = "ce_type";
inline constexpr char kCloudEventSourceHeader[] = "ce_source";
inline constexpr char kCloudEventSpecVersionHeader[] = "ce_specversion";
inline constexpr char kCloudEventTimeHeader[] = "ce_time";
inline constexpr char kCloudEventSubjectHeader[] = "ce_subject";
inline constexpr char kCloudEventContentTypeHeader[] = "content-type";

// A record's headers in order: name and value bytes (a null value is empty).
using KafkaHeaders = std::vector<std::pair<std::string, std::string>>;

// The event in a consumed record. ce_id and ce_type must be present and not
// empty, ce_specversion must be "1.0" and ce_time an RFC 3339 timestamp;
// otherwise InvalidArgument naming the header (the consumer dead-letters the
// record). The other attributes may be absent. A header that appears twice
// counts with its last value. Headers that are not attributes are kept in
// extra_headers, in order. `key` and `payload` become the event's key and
// data; topic, partition and offset are left for the caller. An error never
// shows more than 64 bytes of a value, nor a personnummer (it is logged and
// goes into the dead-letter event's headers).
absl::StatusOr<CloudEvent> CloudEventFromRecord(const KafkaHeaders& headers,
                                                std::string key,
                                                std::string payload);

}  // namespace lov

#endif  // LOV_PLATFORM_CLOUD_EVENT_HEADERS_H_
