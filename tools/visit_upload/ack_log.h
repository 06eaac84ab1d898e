// --ack-log FILE: one line per report whose upload ended, so that an outside
// checker can hold the log against Kafka (every acknowledged visit exactly
// once in lov.visits.v1). A line is "<visit id>\t<kind>" with the kind
// accepted, accepted_with_exceptions, rejected (then "\t<REASON>") or
// given_up (never decided: not acknowledged).
#ifndef LOV_TOOLS_VISIT_UPLOAD_ACK_LOG_H_
#define LOV_TOOLS_VISIT_UPLOAD_ACK_LOG_H_

#include <fstream>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::upload {

// The line of one final outcome, without its newline.
std::string AckLine(const ::lov::visits::v1::ReportOutcome& outcome);

class AckLog {
 public:
  // No file: writes nothing.
  AckLog() = default;
  // Creates or truncates `path`; `flag` names it in the error.
  static absl::StatusOr<std::unique_ptr<AckLog>> Open(const std::string& path,
                                                      const std::string& flag);
  // Thread-safe; flushed at once, so a checker can read it while the upload
  // runs and nothing is lost if the process is killed.
  void Write(const ::lov::visits::v1::ReportOutcome& outcome);

 private:
  std::mutex mu_;
  std::ofstream out_;
};

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_ACK_LOG_H_
