#include "retry.h"

#include "lov/platform/retry_info.h"

namespace lov::upload {

bool SendsAgain(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::ABORTED ||
         (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
          RetryDelayOf(status).has_value());
}

grpc::Status RetryWrite(const std::function<grpc::Status()>& call,
                        const UploadOptions& options) {
  grpc::Status status = call();
  for (int attempt = 1; attempt < options.max_attempts && SendsAgain(status);
       ++attempt) {
    // Over a quota: as long as the service asks, else backing off.
    absl::SleepFor(RetryDelayOf(status).value_or(Backoff(options, attempt)));
    status = call();
  }
  return status;
}

}  // namespace lov::upload
