#ifndef LOV_PLATFORM_EARLY_AUDIT_H_
#define LOV_PLATFORM_EARLY_AUDIT_H_

// A unary call's OK audit record sent while its work waits for Kafka to
// store the call's own events, so that both acknowledged writes are in
// flight together and the answer waits for one round trip instead of two.
//
// RunUnary opens an EarlyAudit around the work; a publisher calls
// StartCallAuditNow() just before it waits for its events. The record is
// the one AuditCall would write for an OK outcome (outcome_pending, so the
// audit service reads it UNKNOWN until the call's confirmation); RunUnary
// still waits for it before answering, and a call whose work fails after
// the record was sent has it corrected with its real outcome, as a caller
// that left is. Methods whose records name clients from the response are
// left to AuditCall (their clients are known only after the work).

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "lov/auth/v1/actor.pb.h"
#include "lov/auth/v1/audit.pb.h"

namespace lov {

class EarlyAudit {
 public:
  // The call's method, caller and request; all must outlive this scope.
  // Installs itself as the calling thread's call (one at a time).
  EarlyAudit(const google::protobuf::MethodDescriptor& method,
             const auth::v1::Actor& actor,
             const google::protobuf::Message& request);
  ~EarlyAudit();
  EarlyAudit(const EarlyAudit&) = delete;
  EarlyAudit& operator=(const EarlyAudit&) = delete;

  // Whether the record was sent (StartCallAuditNow during the work).
  bool started() const { return state_ != nullptr; }
  // Waits until the record sent is durable or has failed; `written`
  // receives it. OK if none was sent.
  absl::Status Wait(auth::v1::AuditRecord* written);

 private:
  friend void StartCallAuditNow();
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    absl::Status status;
    auth::v1::AuditRecord record;
  };
  void Start();

  const google::protobuf::MethodDescriptor& method_;
  const auth::v1::Actor& actor_;
  const google::protobuf::Message& request_;
  bool tried_ = false;
  std::shared_ptr<State> state_;  // shared with the sink's callback
  EarlyAudit* outer_;
};

// Sends the running call's OK record now (once per call), without waiting:
// for a publisher about to wait for the call's events. Nothing outside an
// EarlyAudit, or when the call's policy asks for no record or names
// response clients.
void StartCallAuditNow();

}  // namespace lov

#endif  // LOV_PLATFORM_EARLY_AUDIT_H_
