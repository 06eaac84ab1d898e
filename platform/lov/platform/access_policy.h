#ifndef LOV_PLATFORM_ACCESS_POLICY_H_
#define LOV_PLATFORM_ACCESS_POLICY_H_

// What a role may do is data: every RPC carries a lov.auth.v1.Policy option
// in its proto (proto/lov/auth/v1/policy.proto). These functions read it and
// decide one call; the platform's gRPC edge calls them for every RPC.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "lov/auth/v1/policy.pb.h"
#include "lov/platform/actor.h"

namespace lov {

// The policy of `method`; nullptr if it has none (a test over every
// service's descriptors makes sure none is missing).
const auth::v1::Policy* PolicyOf(
    const google::protobuf::MethodDescriptor& method);

// The policy of the method "package.Service/Method" or "package.Service.Method"
// in the generated descriptor pool; nullptr if unknown or without policy.
const auth::v1::Policy* PolicyOf(absl::string_view full_method_name);

// May a caller in `role` (a provider's: for `caller_provider_id`) make this
// call? PERMISSION_DENIED names the rule it breaks, never the data.
absl::Status Authorize(const auth::v1::Policy& policy, absl::string_view method,
                       auth::v1::Role role,
                       absl::string_view caller_provider_id,
                       const google::protobuf::Message& request);

// The string values at a dotted field path ("report.provider_id",
// "rows.client_id": repeated fields on the way fan out); empty strings are
// left out. An unknown path gives nothing.
std::vector<std::string> FieldValues(const google::protobuf::Message& message,
                                     absl::string_view path);

// True if `path` names a string field (possibly through repeated or nested
// messages) of `type`.
bool IsStringFieldPath(const google::protobuf::Descriptor& type,
                       absl::string_view path);

}  // namespace lov

#endif  // LOV_PLATFORM_ACCESS_POLICY_H_
