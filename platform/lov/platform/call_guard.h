#ifndef LOV_PLATFORM_CALL_GUARD_H_
#define LOV_PLATFORM_CALL_GUARD_H_

// The one place every RPC passes before and after its work (the gRPC edge,
// RunUnary and the visits upload stream, calls it):
//   before: who is calling (Authenticator: a bearer token or a verified
//           client certificate) and may they (the RPC's Policy, read from
//           its proto; a provider's scope from its credential);
//   during: the caller is the actor of every event the work publishes
//           (CurrentActor, read by the CommandRunner);
//   after:  the audit record, written before the answer goes out, for the
//           RPCs whose policy asks for one (refused and failed calls too).

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lov/auth/v1/actor.pb.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/auth/v1/policy.pb.h"
#include "lov/platform/actor.h"
#include "lov/platform/trace_context.h"

namespace lov {

// Until when a caller's credential holds: a bearer token until its exp
// (plus the verifier's clock skew), a client certificate until its
// notAfter. A stream admitted with it ends there (AdmitNext).
struct CredentialTerm {
  absl::Time valid_until = absl::InfiniteFuture();
  std::string credential = "credential";  // "bearer token", ...
};

// Who is calling, from the call's credential.
class Authenticator {
 public:
  struct Caller {
    auth::v1::Actor actor;
    CredentialTerm term;
  };
  virtual ~Authenticator() = default;
  // UNAUTHENTICATED, with a short reason, when the call carries no valid
  // credential.
  virtual absl::StatusOr<auth::v1::Actor> Authenticate(
      const grpc::ServerContextBase& context) = 0;
  // Authenticate, with the credential's term (by default without an end).
  virtual absl::StatusOr<Caller> AuthenticateWithTerm(
      const grpc::ServerContextBase& context) {
    absl::StatusOr<auth::v1::Actor> actor = Authenticate(context);
    if (!actor.ok()) return actor.status();
    return Caller{*std::move(actor), CredentialTerm()};
  }
};

// Where audit records go (the append-only topic lov.audit.v1); returns once
// the record is durable.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual absl::Status Record(const auth::v1::AuditRecord& record) = 0;
  // Sends the record without waiting for it to be durable (a correction or
  // a confirmation, written after the call has ended); failures are logged.
  virtual void RecordLater(const auth::v1::AuditRecord& record) {
    (void)Record(record);
  }
  // Sends the record and returns at once; `done` gets what Record would
  // have returned (OK once durable), on any thread. So a call can have its
  // record in flight while it waits for its own events (EarlyAudit).
  virtual void RecordAsync(const auth::v1::AuditRecord& record,
                           std::function<void(absl::Status)> done) {
    done(Record(record));
  }
};

// The process's authenticator and audit sink (ServiceMain sets them).
// Without an authenticator every call is refused as UNAUTHENTICATED: there
// is no setting that lets a call in without a credential.
struct CallGuardSettings {
  std::shared_ptr<Authenticator> authenticator;
  std::shared_ptr<AuditSink> audit;
};
void ConfigureCallGuard(CallGuardSettings settings);

// The method of `request_type` named `name` ("GetClient") in the service of
// the request type's file; nullptr if none.
const google::protobuf::MethodDescriptor* MethodOf(
    const google::protobuf::Descriptor* request_type, absl::string_view name);

// The trace a call's work runs in (ScopedTrace around it): a span below the
// caller's `traceparent` metadata, or a new trace when it sends none or an
// invalid one (never a refusal).
TraceContext TraceOfCall(const grpc::ServerContextBase& context);

// Before the work: OK with the caller in `actor`, or UNAUTHENTICATED /
// PERMISSION_DENIED (then `actor` holds the caller if it was authenticated,
// for the audit record of the refusal). `term`, if given, receives until
// when the caller's credential holds.
absl::Status AdmitCall(const grpc::ServerContextBase& context,
                       const google::protobuf::MethodDescriptor& method,
                       const google::protobuf::Message& request,
                       auth::v1::Actor* actor, CredentialTerm* term = nullptr);

// The next message of a stream whose first was admitted for `actor` with a
// credential of `term`: UNAUTHENTICATED ("bearer token expired at ...")
// once the term has passed, then the policy again (a provider's scope
// holds for every message).
absl::Status AdmitNext(const google::protobuf::MethodDescriptor& method,
                       const auth::v1::Actor& actor,
                       const google::protobuf::Message& request,
                       const CredentialTerm& term = CredentialTerm());

// After the work (or the refusal): writes the audit record if the policy
// asks for one, with the clients named in the request and in `response`
// (nullptr if none). The returned status replaces an OK answer when the
// record could not be written (the data is not given out unaudited).
// `written`, if given, receives the record sent (left empty when none is).
absl::Status AuditCall(const google::protobuf::MethodDescriptor& method,
                       const auth::v1::Actor& actor,
                       const google::protobuf::Message& request,
                       const google::protobuf::Message* response,
                       const absl::Status& outcome,
                       auth::v1::AuditRecord* written = nullptr);

// The answer of a call whose record `written` said "OK" did not go out:
// the caller had gone (deadline or cancel) by the time the record was
// acknowledged, or the record's write failed or timed out (it may still be
// stored, e.g. once a paused Kafka resumes). Sends a correction (a new
// record with corrects_record_id = written's id and the call's real
// outcome, `refusal`), so the audit log never says a withheld answer went
// out. Nothing when `written` is empty or did not say OK.
void CorrectAudit(const auth::v1::AuditRecord& written,
                  const absl::Status& refusal);

// The answer of a call whose record `written` is pending (outcome OK,
// outcome_pending) reached the caller: gRPC reported it finished and not
// cancelled (RunUnary's reactor), or a stream's batch had all its outcomes
// written. Sends a confirmation (a copy with a new id, confirms_record_id =
// written's id, not pending) the way a correction is sent. Nothing when
// `written` is empty or not pending.
void ConfirmAudit(const auth::v1::AuditRecord& written);

// The OK record (outcome pending) AuditCall would write for `request` once
// the work succeeded, built before the work ends, to be sent by
// SendAuditRecord while the work still waits (EarlyAudit); nullopt when the
// policy asks for no record, names clients in the response (not known
// yet), or no audit sink is configured.
std::optional<auth::v1::AuditRecord> PendingAuditRecord(
    const google::protobuf::MethodDescriptor& method,
    const auth::v1::Actor& actor, const google::protobuf::Message& request);

// Sends `record` to the audit sink without waiting; `done` gets the
// outcome (OK once durable; an error as AuditCall returns it: the answer
// is withheld).
void SendAuditRecord(const auth::v1::AuditRecord& record,
                     std::function<void(absl::Status)> done);

// The audit record of a call, its clients and providers given (a stream's
// batch); as AuditCall.
absl::Status RecordAudit(const google::protobuf::MethodDescriptor& method,
                         const auth::v1::Actor& actor,
                         const std::vector<std::string>& client_ids,
                         const std::vector<std::string>& provider_ids,
                         const std::string& request_id,
                         const absl::Status& outcome,
                         auth::v1::AuditRecord* written = nullptr);

}  // namespace lov

#endif  // LOV_PLATFORM_CALL_GUARD_H_
