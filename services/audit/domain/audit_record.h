#ifndef LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_
#define LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_

// What the audit service keeps of a record another service wrote.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "lov/auth/v1/audit.pb.h"

namespace lov::audit {

// Stands in for a personal identity number found in a record.
inline constexpr char kRedacted[] = "(personnummer redacted)";

// A record fit to keep: it has a record id. InvalidArgument otherwise (a
// poison message: the projection sends it to the dead-letter topic).
absl::Status CheckRecord(const auth::v1::AuditRecord& record);

// Replaces every value of the record that contains a personal identity
// number (a caller may type one where a client id or request id belongs,
// and a refused call is audited with what it asked) by kRedacted, so none
// reaches the serving copy or its index keys; returns how many it replaced.
// The topic keeps the record as it was written.
int RedactIdentityNumbers(auth::v1::AuditRecord* record);

// The outcome a pending record (outcome_pending: written before its answer)
// reads as until its confirmation or correction is kept.
inline constexpr char kOutcomeUnknown[] = "UNKNOWN";

// A confirmation: the answer of the record it names (confirms_record_id)
// went out. It counts as no correction.
bool IsConfirmation(const auth::v1::AuditRecord& record);

// The record as kept when it arrives: a pending one reads kOutcomeUnknown
// (still pending) unless `early` (a confirmation of it that arrived first,
// nullptr if none) confirms it; any other record as written (those written
// before outcome_pending existed keep their outcome).
auth::v1::AuditRecord Arrived(const auth::v1::AuditRecord& record,
                              const auth::v1::AuditRecord* early);

// The kept record after its confirmation: the confirmed outcome, no longer
// pending. nullopt when it changes nothing: the record is not pending (it
// was confirmed or corrected already; a correction wins over a
// confirmation, whichever came first).
std::optional<auth::v1::AuditRecord> Confirmed(
    const auth::v1::AuditRecord& kept,
    const auth::v1::AuditRecord& confirmation);

// The kept record after its correction: the correction's outcome, no longer
// pending.
auth::v1::AuditRecord Corrected(const auth::v1::AuditRecord& kept,
                                const auth::v1::AuditRecord& correction);

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_
