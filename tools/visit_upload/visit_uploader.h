// Streams visit reports to the visits service and loses none to a fault:
// every report answered with an error outcome ("not stored, send again") is
// sent again with the same report id and content, a broken stream
// (UNAVAILABLE, a restarted service) is reopened and every report not yet
// answered sent again, with backoff and a bounded number of attempts
// (resend_book.h). The simulator and `lovctl visit upload` use it.
#ifndef LOV_TOOLS_VISIT_UPLOAD_VISIT_UPLOADER_H_
#define LOV_TOOLS_VISIT_UPLOAD_VISIT_UPLOADER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <ostream>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "resend_book.h"

namespace lov::upload {

struct UploadOptions {
  int max_attempts = 8;  // sends of one report; rounds in a row without news
  absl::Duration first_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(10);
  // Where to say which reports go again and why (a line per round); none:
  // silent.
  std::ostream* progress = nullptr;
};

// The wait before the next round after `stalled_rounds` rounds in a row
// that decided nothing: doubling from the first backoff up to the maximum.
absl::Duration Backoff(const UploadOptions& options, int stalled_rounds);

// Channel arguments for an uploader's channels: a subchannel of their own
// (not shared with earlier channels still backing off after a failure)
// and a short reconnect backoff, so a restarted service is found at once.
grpc::ChannelArguments QuickReconnect(grpc::ChannelArguments args = {});

// Whether a stream that ended with `status` is worth reopening (the service
// or the connection failed) rather than refused for good (sign-in, scope).
bool Reopens(const grpc::Status& status);

// The final answer to reports[index]: its decision, or, for a report given
// up, the last error (error_code set). Called once per report, in the
// order the answers come.
using OnFinal =
    std::function<void(size_t index, const v1::ReportOutcome& outcome)>;
// Prepares each stream's call (signs it in).
using PrepareCall = std::function<void(grpc::ClientContext*)>;
// A new channel to the visits service (QuickReconnect), one per stream:
// gRPC keeps failing calls on a channel whose service was down for a while
// after the service is back.
using Connect = std::function<std::shared_ptr<grpc::Channel>()>;

// Uploads `reports` until each is decided or given up; the counts, or the
// status of a stream the service refused for good.
absl::StatusOr<UploadCounts> UploadWithResend(
    const Connect& connect, const PrepareCall& prepare,
    const std::vector<v1::VisitReport>& reports, const UploadOptions& options,
    const OnFinal& on_final);

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_VISIT_UPLOADER_H_
