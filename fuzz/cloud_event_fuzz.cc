// A consumed event: CloudEvent headers (ce_id, ce_time) and a protobuf body
// decoded into each topic's event message. Bad data is an InvalidArgument
// for the dead-letter topic, never a crash.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/kafka.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "quiet_protobuf.h"

namespace {

template <typename Event>
void Decode(const lov::CloudEvent& ce) {
  Event event;
  const absl::Status s = lov::FromCloudEvent(ce, &event);
  LOV_FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument);
  if (s.ok()) {
    // What decodes encodes to an event that decodes the same.
    const lov::CloudEvent again = lov::ToCloudEvent(event, "/fuzz");
    Event copy;
    LOV_FUZZ_CHECK(lov::FromCloudEvent(again, &copy).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::SilenceProtobufLogs();
  lov::fuzz::FuzzInput input(data, size);
  lov::CloudEvent ce;
  ce.id = input.Piece();
  ce.type = input.Piece();
  const std::string time_text = input.Piece();
  ce.data = input.Rest();
  if (const auto t = lov::ParseRfc3339(time_text); t.ok()) ce.time = *t;
  Decode<lov::registry::v1::RegistryEvent>(ce);
  Decode<lov::choice::v1::ChoiceEvent>(ce);
  Decode<lov::choice::v1::ChoiceKeyEvent>(ce);
  Decode<lov::visits::v1::VisitEvent>(ce);
  Decode<lov::settlement::v1::SettlementEvent>(ce);
  Decode<lov::auth::v1::AuditRecord>(ce);
  return 0;
}
