// CloudEvents 1.0 in Kafka's binary mode: the attributes as headers, the
// protobuf body as the value, the aggregate id as the key.
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/cloud_event_headers.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/trace_context.h"

namespace lov {

namespace kafka_internal {

std::unique_ptr<RdKafka::Headers> ToHeaders(const CloudEvent& e) {
  std::unique_ptr<RdKafka::Headers> h(RdKafka::Headers::create());
  h->add(kCloudEventIdHeader, e.id);
  h->add(kCloudEventTypeHeader, e.type);
  h->add(kCloudEventSourceHeader, e.source);
  h->add(kCloudEventSpecVersionHeader, "1.0");
  h->add(kCloudEventTimeHeader, FormatRfc3339Utc(e.time));
  if (!e.subject.empty()) h->add(kCloudEventSubjectHeader, e.subject);
  h->add(kCloudEventContentTypeHeader,
         e.content_type.empty() ? kProtobufContentType : e.content_type);
  bool traced = false;
  for (const auto& [k, v] : e.extra_headers) {
    traced = traced || k == kCloudEventTraceparentHeader;
  }
  for (const auto& [k, v] : e.extra_headers) {
    // A tracestate belongs to the traceparent it came with.
    if (!traced && k == kCloudEventTracestateHeader) continue;
    h->add(k, v);
  }
  // The distributed-tracing extension: the span that publishes the event,
  // with the caller's tracestate unchanged (an event that names its own,
  // e.g. one parked on the dead-letter topic, keeps both); published outside
  // any call or event, it starts a trace.
  if (!traced) {
    const TraceContext* current = CurrentTrace();
    h->add(kCloudEventTraceparentHeader,
           FormatTraceparent(current != nullptr ? *current : NewTrace()));
    if (current != nullptr && !current->tracestate.empty()) {
      h->add(kCloudEventTracestateHeader, current->tracestate);
    }
  }
  return h;
}

// Decodes a consumed message; InvalidArgument names what is missing.
absl::StatusOr<CloudEvent> FromMessage(RdKafka::Message& m) {
  KafkaHeaders headers;
  if (RdKafka::Headers* h = m.headers()) {
    for (const auto& x : h->get_all()) {
      headers.emplace_back(x.key(),
                           std::string(x.value_string() ? x.value_string() : "",
                                       x.value_size()));
    }
  }
  std::string payload;
  if (m.payload()) {
    payload.assign(static_cast<const char*>(m.payload()), m.len());
  }
  absl::StatusOr<CloudEvent> e = CloudEventFromRecord(
      headers, m.key() ? *m.key() : std::string(), std::move(payload));
  if (e.ok()) {
    e->topic = m.topic_name();
    e->partition = m.partition();
    e->offset = m.offset();
  }
  return e;
}

}  // namespace kafka_internal

std::string CloudEvent::Header(const std::string& name) const {
  for (const auto& [k, v] : extra_headers) {
    if (k == name) return v;
  }
  return "";
}

CloudEvent MakeEvent(std::string source, std::string type, std::string subject,
                     std::string message_type, std::string data) {
  CloudEvent e;
  e.id = NewUuid();
  e.source = std::move(source);
  e.type = std::move(type);
  e.subject = std::move(subject);
  e.time = absl::Now();
  e.content_type = absl::StrCat(kProtobufContentType, "; proto=", message_type);
  e.data = std::move(data);
  return e;
}

}  // namespace lov
