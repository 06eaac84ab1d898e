// An access another service recorded on lov.audit.v1: kept, and found by
// the client and by the person or system (an AuditRecord CloudEvent, ce_id
// = record_id). A correction (corrects_record_id) changes the outcome of
// the record it names; a confirmation (confirms_record_id) turns a pending
// record (read as UNKNOWN) into its outcome, and is kept until its record
// arrives if it came first.
#include "absl/strings/str_cat.h"
#include "lov/audit/app/audit_app.h"
#include "lov/audit/domain/audit_record.h"
#include "lov/platform/log.h"

namespace lov::audit {

absl::Status AuditApp::RecordAccess(const CloudEvent& event) {
  auth::v1::AuditRecord record;
  if (!record.ParseFromString(event.data)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body of ", event.type, " is not a lov.auth.v1.AuditRecord"));
  }
  if (absl::Status s = CheckRecord(record); !s.ok()) return s;
  if (record.record_id() != event.id) {
    return absl::InvalidArgumentError(
        absl::StrCat("record_id '", record.record_id(),
                     "' differs from ce_id '", event.id, "'"));
  }
  if (int n = RedactIdentityNumbers(&record); n > 0) {
    log::Warn("audit record named a personal identity number; redacted",
              {{"record_id", record.record_id()},
               {"method", record.method()},
               {"values", n}});
  }
  if (!record.corrects_record_id().empty()) {
    // A call whose record said OK but whose answer never went out (e.g.
    // the record was acknowledged after the caller's deadline): the kept
    // record takes the correction's outcome. A correction of a record
    // that was never stored stands as the call's only record.
    absl::StatusOr<std::optional<auth::v1::AuditRecord>> earlier =
        store_->Get(record.corrects_record_id());
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      return store_->ApplyCorrection(Corrected(**earlier, record), record);
    }
  }
  if (IsConfirmation(record)) {
    absl::StatusOr<std::optional<auth::v1::AuditRecord>> earlier =
        store_->Get(record.confirms_record_id());
    if (!earlier.ok()) return earlier.status();
    if (!earlier->has_value()) return store_->KeepEarlyConfirmation(record);
    std::optional<auth::v1::AuditRecord> confirmed =
        Confirmed(**earlier, record);
    if (!confirmed.has_value()) return absl::OkStatus();  // changes nothing
    return store_->ApplyCorrection(*confirmed, record);
  }
  std::optional<auth::v1::AuditRecord> early;
  if (record.outcome_pending()) {
    absl::StatusOr<std::optional<auth::v1::AuditRecord>> kept =
        store_->EarlyConfirmation(record.record_id());
    if (!kept.ok()) return kept.status();
    early = *std::move(kept);
  }
  return store_->Apply(Arrived(record, early ? &*early : nullptr));
}

}  // namespace lov::audit
