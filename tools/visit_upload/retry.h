// The unary writes' side of losing nothing: a write answered UNAVAILABLE
// (not stored) or DEADLINE_EXCEEDED (outcome unknown: it may be stored) is
// sent again, the same request with the same request id, so the service
// answers a stored one with its first outcome instead of storing it twice.
// A write refused by a quota (RESOURCE_EXHAUSTED with a google.rpc.RetryInfo)
// is sent again after the delay the service asked for.
#ifndef LOV_TOOLS_VISIT_UPLOAD_RETRY_H_
#define LOV_TOOLS_VISIT_UPLOAD_RETRY_H_

#include <grpcpp/grpcpp.h>

#include <functional>

#include "visit_uploader.h"

namespace lov::upload {

// Whether a write that got `status` is to be sent again.
bool SendsAgain(const grpc::Status& status);

// Calls `call` (a fresh context each time) until it gets an answer that is
// not to be sent again or `options.max_attempts` calls were made, with
// backoff between them; the last status.
grpc::Status RetryWrite(const std::function<grpc::Status()>& call,
                        const UploadOptions& options = UploadOptions());

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_RETRY_H_
