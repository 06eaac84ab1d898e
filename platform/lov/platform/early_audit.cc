#include "lov/platform/early_audit.h"

#include <chrono>
#include <optional>
#include <utility>

#include "lov/platform/call_guard.h"

namespace lov {
namespace {

thread_local EarlyAudit* current_call = nullptr;

}  // namespace

EarlyAudit::EarlyAudit(const google::protobuf::MethodDescriptor& method,
                       const auth::v1::Actor& actor,
                       const google::protobuf::Message& request)
    : method_(method), actor_(actor), request_(request), outer_(current_call) {
  current_call = this;
}

EarlyAudit::~EarlyAudit() { current_call = outer_; }

void EarlyAudit::Start() {
  if (tried_) return;
  tried_ = true;
  std::optional<auth::v1::AuditRecord> record =
      PendingAuditRecord(method_, actor_, request_);
  if (!record.has_value()) return;
  state_ = std::make_shared<State>();
  state_->record = *record;
  SendAuditRecord(*record, [state = state_](absl::Status s) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->status = std::move(s);
    state->done = true;
    state->cv.notify_all();
  });
}

absl::Status EarlyAudit::Wait(auth::v1::AuditRecord* written) {
  if (state_ == nullptr) return absl::OkStatus();
  std::unique_lock<std::mutex> lock(state_->mu);
  if (written != nullptr) *written = state_->record;
  // The sink's delivery timeout bounds this wait; the margin only guards
  // against a lost callback (the record may then be stored: corrected).
  if (!state_->cv.wait_for(lock, std::chrono::minutes(5),
                           [this] { return state_->done; })) {
    return absl::UnavailableError(
        "not answered: no outcome from the audit log for the call's record; "
        "retry");
  }
  return state_->status;
}

void StartCallAuditNow() {
  if (current_call != nullptr) current_call->Start();
}

}  // namespace lov
