#include "lov/audit/domain/audit_record.h"

#include "lov/platform/identity_numbers.h"

namespace lov::audit {
namespace {

int Redact(std::string* value) {
  if (!ContainsPersonnummer(*value)) return 0;
  *value = kRedacted;
  return 1;
}

}  // namespace

absl::Status CheckRecord(const auth::v1::AuditRecord& record) {
  if (record.record_id().empty()) {
    return absl::InvalidArgumentError("record_id: an audit record needs one");
  }
  return absl::OkStatus();
}

int RedactIdentityNumbers(auth::v1::AuditRecord* record) {
  int n = Redact(record->mutable_actor()->mutable_subject()) +
          Redact(record->mutable_actor()->mutable_organisation()) +
          Redact(record->mutable_actor()->mutable_provider_id()) +
          Redact(record->mutable_request_id());
  for (std::string& id : *record->mutable_client_ids()) n += Redact(&id);
  for (std::string& id : *record->mutable_provider_ids()) n += Redact(&id);
  return n;
}

}  // namespace lov::audit
