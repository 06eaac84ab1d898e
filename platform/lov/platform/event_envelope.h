#ifndef LOV_PLATFORM_EVENT_ENVELOPE_H_
#define LOV_PLATFORM_EVENT_ENVELOPE_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"

namespace lov {

// Every service's event message has the same envelope: string event_id,
// google.protobuf.Timestamp occurred_at, string aggregate_id and a oneof
// `payload`. These helpers turn such a message into a CloudEvent and back.

// The CloudEvent for an envelope message: ce_id = event_id, ce_subject and
// key = aggregate_id, ce_time = occurred_at, ce_type = EventTypeOf.
CloudEvent ToCloudEvent(const google::protobuf::Message& event,
                        const std::string& source);

// Parses the body into `event`; InvalidArgument (poison) if it does not
// parse or if its event_id disagrees with ce_id.
absl::Status FromCloudEvent(const CloudEvent& cloud_event,
                            google::protobuf::Message* event);

}  // namespace lov

#endif  // LOV_PLATFORM_EVENT_ENVELOPE_H_
