#include "lov/platform/call_guard.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/access_policy.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/input_limits.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/proto_util.h"

namespace lov {
namespace {

std::mutex settings_mu;
CallGuardSettings& Settings() {
  static CallGuardSettings* settings = new CallGuardSettings();
  return *settings;
}

CallGuardSettings Snapshot() {
  std::lock_guard<std::mutex> lock(settings_mu);
  return Settings();
}

std::string MethodName(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.service()->full_name(), "/", method.name());
}

void CountRefusal(const google::protobuf::MethodDescriptor& method,
                  const absl::Status& status) {
  metrics::Registry::Default()
      .GetCounter("lov_calls_refused_total",
                  "Calls refused before their work: no valid credential "
                  "(UNAUTHENTICATED), a field over its input limit "
                  "(INVALID_ARGUMENT) or outside the caller's role or scope "
                  "(PERMISSION_DENIED)",
                  {{"method", MethodName(method)},
                   {"code", absl::StatusCodeToString(status.code())}})
      .Inc();
}

}  // namespace

void ConfigureCallGuard(CallGuardSettings settings) {
  std::lock_guard<std::mutex> lock(settings_mu);
  Settings() = std::move(settings);
}

const google::protobuf::MethodDescriptor* MethodOf(
    const google::protobuf::Descriptor* request_type, absl::string_view name) {
  const google::protobuf::FileDescriptor* file = request_type->file();
  for (int i = 0; i < file->service_count(); ++i) {
    const auto* m = file->service(i)->FindMethodByName(std::string(name));
    if (m != nullptr && m->input_type() == request_type) return m;
  }
  return nullptr;
}

TraceContext TraceOfCall(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kTraceparentMetadata);
  if (it == metadata.end()) return NewTrace();
  // A repeated tracestate is one list (RFC 9110 field lines, as the
  // specification allows), joined with commas in the order received.
  std::string tracestate;
  auto [first, last] = metadata.equal_range(kTracestateMetadata);
  for (auto state = first; state != last; ++state) {
    if (!tracestate.empty()) tracestate.push_back(',');
    tracestate.append(state->second.data(), state->second.size());
  }
  return ContinueTrace(std::string_view(it->second.data(), it->second.size()),
                       tracestate);
}

absl::Status AdmitCall(const grpc::ServerContextBase& context,
                       const google::protobuf::MethodDescriptor& method,
                       const google::protobuf::Message& request,
                       auth::v1::Actor* actor, CredentialTerm* term) {
  const CallGuardSettings settings = Snapshot();
  auto refuse = [&method](absl::Status s) {
    CountRefusal(method, s);
    return s;
  };
  const auth::v1::Policy* policy = PolicyOf(method);
  if (policy == nullptr) {
    return refuse(absl::PermissionDeniedError(
        absl::StrCat(MethodName(method), " has no access policy")));
  }
  // No call gets in without a credential; without an identity provider
  // (which ServiceMain does not start without) none can be checked.
  if (settings.authenticator == nullptr) {
    return refuse(absl::UnauthenticatedError(
        "this service has no identity provider configured"));
  }
  absl::StatusOr<Authenticator::Caller> caller =
      settings.authenticator->AuthenticateWithTerm(context);
  if (!caller.ok()) return refuse(caller.status());
  *actor = caller->actor;
  if (term != nullptr) *term = caller->term;
  // Who is calling first (an unknown caller learns nothing about the
  // request's shape), then its size, then whether the caller may.
  if (absl::Status s = CheckInputLimits(request, absl::Now()); !s.ok()) {
    return refuse(s);
  }
  if (absl::Status s = Authorize(*policy, method.name(), actor->role(),
                                 actor->provider_id(), request);
      !s.ok()) {
    return refuse(s);
  }
  return absl::OkStatus();
}

absl::Status AdmitNext(const google::protobuf::MethodDescriptor& method,
                       const auth::v1::Actor& actor,
                       const google::protobuf::Message& request,
                       const CredentialTerm& term) {
  const CallGuardSettings settings = Snapshot();
  const auth::v1::Policy* policy = PolicyOf(method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(MethodName(method), " has no access policy"));
  }
  // The credential was checked when the stream began; a stream does not
  // outlive it (the messages read before stay answered).
  if (absl::Now() >= term.valid_until) {
    absl::Status s = absl::UnauthenticatedError(
        absl::StrCat("the ", term.credential, " expired at ",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", term.valid_until,
                                      absl::UTCTimeZone()),
                     ": sign in again and open a new stream"));
    CountRefusal(method, s);
    return s;
  }
  if (absl::Status s = CheckInputLimits(request, absl::Now()); !s.ok()) {
    CountRefusal(method, s);
    return s;
  }
  absl::Status s = Authorize(*policy, method.name(), actor.role(),
                             actor.provider_id(), request);
  if (!s.ok()) CountRefusal(method, s);
  return s;
}

namespace {

// The clients, providers and request id a call's record names: from the
// request as the caller sent it, and the response's clients when the call
// answered OK.
struct RecordSubjects {
  std::vector<std::string> clients;
  std::vector<std::string> providers;
  std::string request_id;
};

RecordSubjects SubjectsOf(const auth::v1::Policy& policy,
                          const google::protobuf::Message& request,
                          const google::protobuf::Message* response,
                          const absl::Status& outcome) {
  RecordSubjects out;
  for (const auto& path : policy.client_fields()) {
    for (auto& id : FieldValues(request, path)) out.clients.push_back(id);
  }
  if (response != nullptr && outcome.ok()) {
    for (const auto& path : policy.response_client_fields()) {
      for (auto& id : FieldValues(*response, path)) out.clients.push_back(id);
    }
  }
  out.providers = FieldValues(request, "provider_id");
  if (!policy.provider_field().empty()) {
    for (auto& id : FieldValues(request, policy.provider_field())) {
      out.providers.push_back(id);
    }
  }
  std::vector<std::string> request_ids = FieldValues(request, "request_id");
  if (!request_ids.empty()) out.request_id = request_ids[0];
  return out;
}

auth::v1::AuditRecord BuildRecord(
    const auth::v1::Policy& policy,
    const google::protobuf::MethodDescriptor& method,
    const auth::v1::Actor& actor, const std::vector<std::string>& client_ids,
    const std::vector<std::string>& provider_ids, const std::string& request_id,
    const absl::Status& outcome) {
  auth::v1::AuditRecord record;
  record.set_record_id(NewUuid());
  *record.mutable_at() = ToProtoTime(absl::Now());
  *record.mutable_actor() = actor;
  record.set_method(MethodName(method));
  record.set_kind(policy.audit());
  // Ids come from the request as the caller sent them: a personnummer
  // typed where an id belongs never reaches the record, nor does an id over
  // the input limit (a refused call's record stays small).
  auto ids = [](const std::vector<std::string>& values) {
    std::set<std::string> out;
    for (const auto& v : values) {
      if (v.size() > kDefaultMaxStringChars) {
        out.insert(absl::StrCat("(over-long id: ", v.size(), " bytes)"));
      } else {
        out.insert(ContainsPersonnummer(v) ? "(personnummer redacted)" : v);
      }
    }
    return out;
  };
  for (const auto& id : ids(client_ids)) record.add_client_ids(id);
  for (const auto& id : ids(provider_ids)) record.add_provider_ids(id);
  record.set_outcome(outcome.ok() ? "OK"
                                  : absl::StatusCodeToString(outcome.code()));
  // An OK record precedes its answer: confirmed or corrected afterwards.
  record.set_outcome_pending(outcome.ok());
  record.set_request_id(request_id.size() > kDefaultMaxStringChars ||
                                ContainsPersonnummer(request_id)
                            ? ""
                            : request_id);
  return record;
}

// What the caller hears when its record was not written.
absl::Status Withheld(const auth::v1::AuditRecord& record,
                      const absl::Status& error) {
  log::Error("audit record not written; the answer is withheld",
             {{"method", record.method()}, {"error", error}});
  return absl::UnavailableError(
      absl::StrCat("not answered: the audit log is unavailable (",
                   error.message(), "); retry"));
}

const auth::v1::Policy* AuditedPolicy(
    const google::protobuf::MethodDescriptor& method) {
  const auth::v1::Policy* policy = PolicyOf(method);
  if (policy == nullptr ||
      policy->audit() == auth::v1::AUDIT_KIND_UNSPECIFIED) {
    return nullptr;
  }
  return policy;
}

}  // namespace

absl::Status AuditCall(const google::protobuf::MethodDescriptor& method,
                       const auth::v1::Actor& actor,
                       const google::protobuf::Message& request,
                       const google::protobuf::Message* response,
                       const absl::Status& outcome,
                       auth::v1::AuditRecord* written) {
  const auth::v1::Policy* policy = AuditedPolicy(method);
  if (policy == nullptr) return absl::OkStatus();
  RecordSubjects subjects = SubjectsOf(*policy, request, response, outcome);
  return RecordAudit(method, actor, subjects.clients, subjects.providers,
                     subjects.request_id, outcome, written);
}

std::optional<auth::v1::AuditRecord> PendingAuditRecord(
    const google::protobuf::MethodDescriptor& method,
    const auth::v1::Actor& actor, const google::protobuf::Message& request) {
  const auth::v1::Policy* policy = AuditedPolicy(method);
  if (policy == nullptr || !policy->response_client_fields().empty() ||
      Snapshot().audit == nullptr) {
    return std::nullopt;
  }
  RecordSubjects subjects =
      SubjectsOf(*policy, request, nullptr, absl::OkStatus());
  return BuildRecord(*policy, method, actor, subjects.clients,
                     subjects.providers, subjects.request_id, absl::OkStatus());
}

void SendAuditRecord(const auth::v1::AuditRecord& record,
                     std::function<void(absl::Status)> done) {
  const CallGuardSettings settings = Snapshot();
  if (settings.audit == nullptr) {
    done(absl::OkStatus());
    return;
  }
  settings.audit->RecordAsync(record,
                              [record, done = std::move(done)](absl::Status s) {
                                done(s.ok() ? s : Withheld(record, s));
                              });
}

absl::Status RecordAudit(const google::protobuf::MethodDescriptor& method,
                         const auth::v1::Actor& actor,
                         const std::vector<std::string>& client_ids,
                         const std::vector<std::string>& provider_ids,
                         const std::string& request_id,
                         const absl::Status& outcome,
                         auth::v1::AuditRecord* written) {
  const auth::v1::Policy* policy = AuditedPolicy(method);
  if (policy == nullptr) return absl::OkStatus();
  const CallGuardSettings settings = Snapshot();
  if (settings.audit == nullptr) return absl::OkStatus();
  auth::v1::AuditRecord record = BuildRecord(*policy, method, actor, client_ids,
                                             provider_ids, request_id, outcome);
  if (written != nullptr) *written = record;
  if (absl::Status s = settings.audit->Record(record); !s.ok()) {
    return Withheld(record, s);
  }
  return absl::OkStatus();
}

void CorrectAudit(const auth::v1::AuditRecord& written,
                  const absl::Status& refusal) {
  if (written.record_id().empty() || written.outcome() != "OK" ||
      refusal.ok()) {
    return;
  }
  const CallGuardSettings settings = Snapshot();
  if (settings.audit == nullptr) return;
  auth::v1::AuditRecord correction = written;
  correction.set_record_id(NewUuid());
  *correction.mutable_at() = ToProtoTime(absl::Now());
  correction.set_outcome(absl::StatusCodeToString(refusal.code()));
  correction.set_corrects_record_id(written.record_id());
  correction.set_outcome_pending(false);
  log::Warn("audit record said OK but the answer did not go out; corrected",
            {{"method", written.method()},
             {"record_id", written.record_id()},
             {"outcome", correction.outcome()}});
  settings.audit->RecordLater(correction);
}

void ConfirmAudit(const auth::v1::AuditRecord& written) {
  if (written.record_id().empty() || !written.outcome_pending()) return;
  const CallGuardSettings settings = Snapshot();
  if (settings.audit == nullptr) return;
  auth::v1::AuditRecord confirmation = written;
  confirmation.set_record_id(NewUuid());
  *confirmation.mutable_at() = ToProtoTime(absl::Now());
  confirmation.set_outcome_pending(false);
  confirmation.set_confirms_record_id(written.record_id());
  settings.audit->RecordLater(confirmation);
}

}  // namespace lov
