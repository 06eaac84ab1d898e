// A consumed Kafka record's headers, key and value to CloudEventFromRecord:
// what the consumer reads before any handler sees the event. Bad headers are
// an InvalidArgument naming a ce_ header, shown bounded and without a
// personnummer; what decodes is exactly the last value of each attribute
// header, and re-encoded the way the producer writes it, decodes the same.
//
// Input: the key and the value (each a 2-byte length and bytes), then
// headers to the end, each a selector byte and a value piece; a selector
// below 9 picks an attribute name (or a near miss), any other reads the name
// as a piece.
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/platform/cloud_event_headers.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace {

constexpr const char* kNames[] = {lov::kCloudEventIdHeader,
                                  lov::kCloudEventTypeHeader,
                                  lov::kCloudEventSourceHeader,
                                  lov::kCloudEventSpecVersionHeader,
                                  lov::kCloudEventTimeHeader,
                                  lov::kCloudEventSubjectHeader,
                                  lov::kCloudEventContentTypeHeader,
                                  "CE_ID",
                                  "ce_id "};
constexpr size_t kAttributes = 7;

bool IsAttribute(const std::string& name) {
  for (size_t i = 0; i < kAttributes; ++i) {
    if (name == kNames[i]) return true;
  }
  return false;
}

// The last value of `name`, or "" (what the consumer reads for a header).
std::string Last(const lov::KafkaHeaders& headers, const std::string& name) {
  std::string value;
  for (const auto& [k, v] : headers) {
    if (k == name) value = v;
  }
  return value;
}

// The headers the producer writes for `e` (kafka_cloud_event.cc ToHeaders).
lov::KafkaHeaders Encode(const lov::CloudEvent& e) {
  lov::KafkaHeaders h = {
      {lov::kCloudEventIdHeader, e.id},
      {lov::kCloudEventTypeHeader, e.type},
      {lov::kCloudEventSourceHeader, e.source},
      {lov::kCloudEventSpecVersionHeader, "1.0"},
      {lov::kCloudEventTimeHeader, lov::FormatRfc3339Utc(e.time)}};
  if (!e.subject.empty())
    h.emplace_back(lov::kCloudEventSubjectHeader, e.subject);
  h.emplace_back(
      lov::kCloudEventContentTypeHeader,
      e.content_type.empty() ? lov::kProtobufContentType : e.content_type);
  for (const auto& extra : e.extra_headers) h.push_back(extra);
  return h;
}

void CheckSame(const lov::CloudEvent& a, const lov::CloudEvent& b) {
  LOV_FUZZ_CHECK(a.id == b.id && a.type == b.type && a.source == b.source);
  LOV_FUZZ_CHECK(a.subject == b.subject && a.time == b.time);
  LOV_FUZZ_CHECK(a.key == b.key && a.data == b.data);
  LOV_FUZZ_CHECK(a.extra_headers == b.extra_headers);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::FuzzInput input(data, size);
  const std::string key = input.Piece();
  const std::string payload = input.Piece();
  lov::KafkaHeaders headers;
  for (size_t i = 0; i < 64 && !input.AtEnd(); ++i) {
    const uint8_t selector = input.Byte();
    std::string name =
        selector < std::size(kNames) ? kNames[selector] : input.Piece();
    headers.emplace_back(std::move(name), input.Piece());
  }

  const absl::StatusOr<lov::CloudEvent> e =
      lov::CloudEventFromRecord(headers, key, payload);
  if (!e.ok()) {
    const absl::Status& s = e.status();
    LOV_FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    // Names the header; bounded and free of personal data, since it is
    // logged and goes into the dead-letter event.
    LOV_FUZZ_CHECK(s.message().find("ce_") != absl::string_view::npos);
    LOV_FUZZ_CHECK(s.message().size() <= 400);
    LOV_FUZZ_CHECK(!lov::ContainsPersonnummer(
        std::string_view(s.message().data(), s.message().size())));
    return 0;
  }
  // Each attribute is its header's last value; the rest stay, in order.
  LOV_FUZZ_CHECK(!e->id.empty() && !e->type.empty());
  LOV_FUZZ_CHECK(e->id == Last(headers, lov::kCloudEventIdHeader));
  LOV_FUZZ_CHECK(e->type == Last(headers, lov::kCloudEventTypeHeader));
  LOV_FUZZ_CHECK(e->source == Last(headers, lov::kCloudEventSourceHeader));
  LOV_FUZZ_CHECK(e->subject == Last(headers, lov::kCloudEventSubjectHeader));
  LOV_FUZZ_CHECK(e->content_type ==
                 Last(headers, lov::kCloudEventContentTypeHeader));
  LOV_FUZZ_CHECK(Last(headers, lov::kCloudEventSpecVersionHeader) == "1.0");
  LOV_FUZZ_CHECK(e->key == key && e->data == payload);
  lov::KafkaHeaders extra;
  for (const auto& h : headers) {
    if (!IsAttribute(h.first)) extra.push_back(h);
  }
  LOV_FUZZ_CHECK(e->extra_headers == extra);
  // The dead-letter topic gets the decoded event re-encoded: it decodes the
  // same.
  const absl::StatusOr<lov::CloudEvent> again =
      lov::CloudEventFromRecord(Encode(*e), key, payload);
  LOV_FUZZ_CHECK(again.ok());
  CheckSame(*e, *again);
  return 0;
}
