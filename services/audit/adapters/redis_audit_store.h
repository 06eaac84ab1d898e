#ifndef LOV_SERVICES_AUDIT_ADAPTERS_REDIS_AUDIT_STORE_H_
#define LOV_SERVICES_AUDIT_ADAPTERS_REDIS_AUDIT_STORE_H_

#include <string>

#include "lov/audit/ports.h"
#include "lov/platform/redis.h"

namespace lov::audit {

// The audit log's serving copy in Redis, all under "<prefix>:" (default
// "lov:audit"); kept for as long as the topic keeps the records (for ever):
//   record:<record id>      AuditRecord (a corrected one with the
//                           outcome of its correction or confirmation, a
//                           pending one UNKNOWN until then; a correction or
//                           confirmation of a kept record is kept here too,
//                           not indexed)
//   early-confirmation:<record id>
//                           AuditRecord: a confirmation that arrived before
//                           the pending record it confirms
//   by-client:<client id>   sorted set of record ids, scored by the record's
//                           time in microseconds since 1970 (UTC)
//   by-actor:<subject>      the same, per person or system
//   ready                   set once the copy is built (see Projection)
class RedisAuditStore : public AuditStore {
 public:
  explicit RedisAuditStore(RedisClient* redis, std::string prefix = "lov:audit")
      : redis_(redis), prefix_(std::move(prefix)) {}

  absl::Status Apply(const auth::v1::AuditRecord& record) override;
  absl::StatusOr<std::optional<auth::v1::AuditRecord>> Get(
      const std::string& record_id) override;
  absl::Status ApplyCorrection(
      const auth::v1::AuditRecord& corrected,
      const auth::v1::AuditRecord& correction) override;
  absl::Status KeepEarlyConfirmation(
      const auth::v1::AuditRecord& confirmation) override;
  absl::StatusOr<std::optional<auth::v1::AuditRecord>> EarlyConfirmation(
      const std::string& record_id) override;
  absl::StatusOr<std::vector<auth::v1::AuditRecord>> Scan(
      AccessIndex index, const std::string& key, const ScanRange& range,
      int limit) override;

  std::string ReadyKey() const { return prefix_ + ":ready"; }

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  std::string IndexKey(AccessIndex index, const std::string& key) const;
  // The ids in the index, newest first (see ScanRange).
  absl::StatusOr<std::vector<std::string>> ScanIds(const std::string& index_key,
                                                   const ScanRange& range,
                                                   int limit);

  RedisClient* redis_;
  std::string prefix_;
};

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_ADAPTERS_REDIS_AUDIT_STORE_H_
