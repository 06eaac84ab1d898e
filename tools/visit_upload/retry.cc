#include "retry.h"

namespace lov::upload {

bool SendsAgain(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::ABORTED;
}

grpc::Status RetryWrite(const std::function<grpc::Status()>& call,
                        const UploadOptions& options) {
  grpc::Status status = call();
  for (int attempt = 1; attempt < options.max_attempts && SendsAgain(status);
       ++attempt) {
    absl::SleepFor(Backoff(options, attempt));
    status = call();
  }
  return status;
}

}  // namespace lov::upload
