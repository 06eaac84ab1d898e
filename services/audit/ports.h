#ifndef LOV_SERVICES_AUDIT_PORTS_H_
#define LOV_SERVICES_AUDIT_PORTS_H_

// The small interface the audit service's application layer needs;
// adapters/ implements it on Redis, tests on memory.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lov/audit/domain/access_query.h"
#include "lov/auth/v1/audit.pb.h"

namespace lov::audit {

// The two ways the log is read: by the client whose data was accessed, and
// by the subject (person or system) who accessed it.
enum class AccessIndex { kByClient, kByActor };

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Keeps the record and indexes it under each of its client ids and its
  // actor's subject, by its time. Idempotent on record_id: a record whose
  // id is already kept changes nothing.
  virtual absl::Status Apply(const auth::v1::AuditRecord& record) = 0;
  // The record kept under `record_id`, nullopt if none.
  virtual absl::StatusOr<std::optional<auth::v1::AuditRecord>> Get(
      const std::string& record_id) = 0;
  // A correction of a kept record (its corrects_record_id): replaces that
  // record's body by `corrected` (same id, same index entries, the
  // correction's outcome) and keeps `correction` under its own id, not
  // indexed, so the call is listed once, with its real outcome. Idempotent
  // on the correction's record_id.
  virtual absl::Status ApplyCorrection(
      const auth::v1::AuditRecord& corrected,
      const auth::v1::AuditRecord& correction) = 0;
  // A confirmation (confirms_record_id) that arrived before the record it
  // confirms: kept under that record's id until the record arrives (not
  // indexed; idempotent).
  virtual absl::Status KeepEarlyConfirmation(
      const auth::v1::AuditRecord& confirmation) = 0;
  // The confirmation kept early for `record_id`, nullopt if none.
  virtual absl::StatusOr<std::optional<auth::v1::AuditRecord>>
  EarlyConfirmation(const std::string& record_id) = 0;
  // Up to `limit` records of `key` ("cli-1", "SE2321000016-1234") in
  // `index` within `range`, newest first; records of the same microsecond
  // by record id, highest first.
  virtual absl::StatusOr<std::vector<auth::v1::AuditRecord>> Scan(
      AccessIndex index, const std::string& key, const ScanRange& range,
      int limit) = 0;
};

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_PORTS_H_
