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

bool IsConfirmation(const auth::v1::AuditRecord& record) {
  return !record.confirms_record_id().empty();
}

auth::v1::AuditRecord Arrived(const auth::v1::AuditRecord& record,
                              const auth::v1::AuditRecord* early) {
  auth::v1::AuditRecord kept = record;
  if (!record.outcome_pending()) return kept;
  if (early != nullptr && early->confirms_record_id() == record.record_id()) {
    kept.set_outcome(early->outcome());
    kept.set_outcome_pending(false);
  } else {
    kept.set_outcome(kOutcomeUnknown);
  }
  return kept;
}

std::optional<auth::v1::AuditRecord> Confirmed(
    const auth::v1::AuditRecord& kept,
    const auth::v1::AuditRecord& confirmation) {
  if (!kept.outcome_pending() ||
      confirmation.confirms_record_id() != kept.record_id()) {
    return std::nullopt;
  }
  auth::v1::AuditRecord confirmed = kept;
  confirmed.set_outcome(confirmation.outcome());
  confirmed.set_outcome_pending(false);
  return confirmed;
}

auth::v1::AuditRecord Corrected(const auth::v1::AuditRecord& kept,
                                const auth::v1::AuditRecord& correction) {
  auth::v1::AuditRecord corrected = kept;
  corrected.set_outcome(correction.outcome());
  corrected.set_outcome_pending(false);
  return corrected;
}

}  // namespace lov::audit
