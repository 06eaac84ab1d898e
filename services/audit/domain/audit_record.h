#ifndef LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_
#define LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_

// What the audit service keeps of a record another service wrote.

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

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_DOMAIN_AUDIT_RECORD_H_
