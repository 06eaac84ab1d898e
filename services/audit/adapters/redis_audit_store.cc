#include "lov/audit/adapters/redis_audit_store.h"

#include <limits>
#include <set>

#include "absl/strings/numbers.h"
#include "lov/platform/proto_util.h"

namespace lov::audit {
namespace {

// Keeps a record once and indexes it in the same step: a record id already
// kept changes nothing (a redelivery, or a second record under the id).
// KEYS[1] the record, KEYS[2..] its indexes; ARGV: the record, its score,
// its id.
constexpr char kApplyScript[] = R"lua(
if redis.call('SETNX', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], ARGV[2], ARGV[3]) end
return 1
)lua";

// KEYS[1] the correction, KEYS[2] the record it corrects (kept: its index
// entries stay as they are). ARGV[1] the correction, ARGV[2] the record
// with the correction's outcome.
constexpr char kCorrectScript[] = R"lua(
if redis.call('SETNX', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'XX')
return 1
)lua";

std::string Bound(int64_t micros) {
  if (micros == std::numeric_limits<int64_t>::min()) return "-inf";
  if (micros == std::numeric_limits<int64_t>::max()) return "+inf";
  return std::to_string(micros);
}

}  // namespace

std::string RedisAuditStore::IndexKey(AccessIndex index,
                                      const std::string& key) const {
  return Key((index == AccessIndex::kByClient ? "by-client:" : "by-actor:") +
             key);
}

absl::Status RedisAuditStore::Apply(const auth::v1::AuditRecord& record) {
  std::vector<std::string> keys = {Key("record:" + record.record_id())};
  // A record may name a client twice (request and answer).
  for (const std::string& client : std::set<std::string>(
           record.client_ids().begin(), record.client_ids().end())) {
    if (!client.empty()) {
      keys.push_back(IndexKey(AccessIndex::kByClient, client));
    }
  }
  if (!record.actor().subject().empty()) {
    keys.push_back(IndexKey(AccessIndex::kByActor, record.actor().subject()));
  }
  return redis_
      ->EvalSource(kApplyScript, keys,
                   {SerializeDeterministic(record),
                    std::to_string(IndexMicros(FromProtoTime(record.at()))),
                    record.record_id()})
      .status();
}

absl::StatusOr<std::optional<auth::v1::AuditRecord>> RedisAuditStore::Get(
    const std::string& record_id) {
  absl::StatusOr<RedisReply> got =
      redis_->Command({"GET", Key("record:" + record_id)});
  if (!got.ok()) return got.status();
  if (got->is_nil()) return std::nullopt;
  auth::v1::AuditRecord r;
  if (!r.ParseFromString(got->str)) {
    return absl::DataLossError("corrupt audit record " + record_id);
  }
  return r;
}

absl::Status RedisAuditStore::ApplyCorrection(
    const auth::v1::AuditRecord& corrected,
    const auth::v1::AuditRecord& correction) {
  return redis_
      ->EvalSource(kCorrectScript,
                   {Key("record:" + correction.record_id()),
                    Key("record:" + corrected.record_id())},
                   {SerializeDeterministic(correction),
                    SerializeDeterministic(corrected)})
      .status();
}

absl::Status RedisAuditStore::KeepEarlyConfirmation(
    const auth::v1::AuditRecord& confirmation) {
  return redis_
      ->Command({"SET",
                 Key("early-confirmation:" + confirmation.confirms_record_id()),
                 SerializeDeterministic(confirmation), "NX"})
      .status();
}

absl::StatusOr<std::optional<auth::v1::AuditRecord>>
RedisAuditStore::EarlyConfirmation(const std::string& record_id) {
  absl::StatusOr<RedisReply> got =
      redis_->Command({"GET", Key("early-confirmation:" + record_id)});
  if (!got.ok()) return got.status();
  if (got->is_nil()) return std::nullopt;
  auth::v1::AuditRecord r;
  if (!r.ParseFromString(got->str)) {
    return absl::DataLossError("corrupt early confirmation of " + record_id);
  }
  return r;
}

absl::StatusOr<std::vector<std::string>> RedisAuditStore::ScanIds(
    const std::string& index_key, const ScanRange& range, int limit) {
  // Redis returns records of the same score by id, highest first; those the
  // previous page gave (id >= before_id at the newest time) are skipped
  // here, so a page may take another batch when many share that time.
  std::vector<std::string> ids;
  const double newest = static_cast<double>(range.newest_micros);
  for (int64_t offset = 0; static_cast<int>(ids.size()) < limit;
       offset += limit) {
    absl::StatusOr<RedisReply> batch = redis_->Command(
        {"ZREVRANGEBYSCORE", index_key, Bound(range.newest_micros),
         Bound(range.oldest_micros), "WITHSCORES", "LIMIT",
         std::to_string(offset), std::to_string(limit)});
    if (!batch.ok()) return batch.status();
    const auto& e = batch->elements;
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      double score = 0;
      if (!absl::SimpleAtod(e[i + 1].str, &score)) {
        return absl::DataLossError("corrupt score in " + index_key);
      }
      const bool given = !range.before_id.empty() && score == newest &&
                         e[i].str >= range.before_id;
      if (!given && static_cast<int>(ids.size()) < limit) {
        ids.push_back(e[i].str);
      }
    }
    if (static_cast<int>(e.size() / 2) < limit) break;
  }
  return ids;
}

absl::StatusOr<std::vector<auth::v1::AuditRecord>> RedisAuditStore::Scan(
    AccessIndex index, const std::string& key, const ScanRange& range,
    int limit) {
  std::vector<auth::v1::AuditRecord> out;
  if (limit <= 0 || range.newest_micros < range.oldest_micros) return out;
  absl::StatusOr<std::vector<std::string>> ids =
      ScanIds(IndexKey(index, key), range, limit);
  if (!ids.ok()) return ids.status();
  if (ids->empty()) return out;
  std::vector<std::vector<std::string>> reads;
  for (const std::string& id : *ids)
    reads.push_back({"GET", Key("record:" + id)});
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (const RedisReply& d : *data) {
    // The record and its index entries are written in one step.
    if (d.is_nil())
      return absl::DataLossError("indexed record missing in " + key);
    auth::v1::AuditRecord r;
    if (!r.ParseFromString(d.str)) {
      return absl::DataLossError("corrupt audit record");
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lov::audit
