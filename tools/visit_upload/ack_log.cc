#include "ack_log.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "resend_book.h"

namespace lov::upload {

std::string AckLine(const v1::ReportOutcome& o) {
  if (!Decides(o)) return absl::StrCat(o.visit_id(), "\tgiven_up");
  switch (o.outcome()) {
    case v1::OUTCOME_ACCEPTED:
      return absl::StrCat(o.visit_id(), "\taccepted");
    case v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS:
      return absl::StrCat(o.visit_id(), "\taccepted_with_exceptions");
    default:  // without the enum's "REASON_CODE_" prefix
      return absl::StrCat(o.visit_id(), "\trejected\t",
                          v1::ReasonCode_Name(o.reason_code()).substr(12));
  }
}

absl::StatusOr<std::unique_ptr<AckLog>> AckLog::Open(const std::string& path,
                                                     const std::string& flag) {
  auto log = std::make_unique<AckLog>();
  if (path.empty()) return log;
  log->out_.open(path, std::ios::out | std::ios::trunc);
  if (!log->out_) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot write ", path));
  }
  return log;
}

void AckLog::Write(const v1::ReportOutcome& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_.is_open()) return;
  out_ << AckLine(outcome) << '\n' << std::flush;
}

}  // namespace lov::upload
