#include "lov/platform/proto_util.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lov {

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string Fingerprint(const google::protobuf::Message& message) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : SerializeDeterministic(message)) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x", hash);
}

std::string EventTypeOf(const google::protobuf::Message& event) {
  const auto* oneof = event.GetDescriptor()->FindOneofByName("payload");
  if (!oneof) return "";
  const google::protobuf::FieldDescriptor* set =
      event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (!set || !set->message_type()) return "";
  // Package "lov.registry.v1" -> "se.lov.registry.v1".
  return absl::StrCat("se.", event.GetDescriptor()->file()->package(), ".",
                      set->message_type()->name());
}

}  // namespace lov
