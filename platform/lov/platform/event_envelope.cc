#include "lov/platform/event_envelope.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/strings/str_cat.h"
#include "lov/auth/v1/actor.pb.h"
#include "lov/platform/actor.h"
#include "lov/platform/proto_util.h"

namespace lov {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string StringField(const Message& m, const char* name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (!f || f->type() != FieldDescriptor::TYPE_STRING) return "";
  return m.GetReflection()->GetString(m, f);
}

}  // namespace

CloudEvent ToCloudEvent(const Message& event, const std::string& source) {
  CloudEvent ce;
  ce.id = StringField(event, "event_id");
  ce.subject = StringField(event, "aggregate_id");
  ce.key = ce.subject;
  ce.type = EventTypeOf(event);
  ce.source = source;
  ce.time = absl::Now();
  if (const FieldDescriptor* f =
          event.GetDescriptor()->FindFieldByName("occurred_at");
      f && event.GetReflection()->HasField(event, f)) {
    const auto& ts = static_cast<const google::protobuf::Timestamp&>(
        event.GetReflection()->GetMessage(event, f));
    ce.time = FromProtoTime(ts);
  }
  ce.content_type = absl::StrCat(
      kProtobufContentType, "; proto=", event.GetDescriptor()->full_name());
  ce.data = SerializeDeterministic(event);
  // Who caused it, as CloudEvents extension attributes, so a subscriber can
  // filter without decoding the body.
  if (const FieldDescriptor* f =
          event.GetDescriptor()->FindFieldByName("actor");
      f && f->message_type() == auth::v1::Actor::descriptor() &&
      event.GetReflection()->HasField(event, f)) {
    const auto& actor = static_cast<const auth::v1::Actor&>(
        event.GetReflection()->GetMessage(event, f));
    ce.extra_headers.emplace_back("ce_actor", actor.subject());
    ce.extra_headers.emplace_back("ce_actorrole", RoleName(actor.role()));
  }
  return ce;
}

absl::Status FromCloudEvent(const CloudEvent& ce, Message* event) {
  if (!event->ParseFromString(ce.data)) {
    return absl::InvalidArgumentError(
        absl::StrCat("body of ", ce.type, " is not a ",
                     event->GetDescriptor()->full_name()));
  }
  std::string id = StringField(*event, "event_id");
  if (id != ce.id) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_id '", id, "' differs from ce_id '", ce.id, "'"));
  }
  return absl::OkStatus();
}

}  // namespace lov
