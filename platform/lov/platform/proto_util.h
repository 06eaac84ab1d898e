#ifndef LOV_PLATFORM_PROTO_UTIL_H_
#define LOV_PLATFORM_PROTO_UTIL_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace lov {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& t);

// A stable fingerprint of a request (deterministic serialisation, FNV-1a 64,
// hex), used to tell a retry from a different request under the same id.
std::string Fingerprint(const google::protobuf::Message& message);

// Deterministic serialisation, so the same state gives the same bytes.
std::string SerializeDeterministic(const google::protobuf::Message& message);

// "se.lov.<domain>.v1.<PayloadMessageName>", from the package of an event
// message and the case of its oneof `payload` that is set; empty if none.
std::string EventTypeOf(const google::protobuf::Message& event);

}  // namespace lov

#endif  // LOV_PLATFORM_PROTO_UTIL_H_
