#ifndef LOV_PLATFORM_RETRY_INFO_H_
#define LOV_PLATFORM_RETRY_INFO_H_

// Refusals that tell the caller when to try again: an absl::Status carries
// google.rpc error details (RetryInfo, QuotaFailure) as payloads under their
// type URLs, and ToGrpcStatus sends them as gRPC's rich error model
// (google.rpc.Status in the `grpc-status-details-bin` trailer).

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace lov {

// RESOURCE_EXHAUSTED with `message`, a RetryInfo of `retry_after` and a
// QuotaFailure naming `subject` (e.g. "provider:p1") and the limit.
absl::Status QuotaExceeded(const std::string& message,
                           const std::string& subject,
                           absl::Duration retry_after);

// The serialized google.rpc.Status of `status` with its google.rpc
// payloads as details, or "" when it carries none.
std::string StatusDetailsOf(const absl::Status& status);

// The RetryInfo delay of a gRPC status's details, if it carries one.
std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status);

}  // namespace lov

#endif  // LOV_PLATFORM_RETRY_INFO_H_
