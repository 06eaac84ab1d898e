#include "lov/registry/adapters/redis_registry_store.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/domain/history.h"

namespace lov::registry {
namespace {

// Applies a snapshot only if it is newer than the stored one, and records
// the history line and the request id in the same step.
constexpr char kApplyScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'data', ARGV[2])
if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
if ARGV[5] ~= '' then redis.call('SADD', KEYS[4], ARGV[5]) end
return 1
)lua";

}  // namespace

absl::StatusOr<std::optional<v1::Municipality>>
RedisRegistryStore::GetMunicipality() {
  return ReadProto<v1::Municipality>(redis_, Key("municipality"), "data");
}

absl::StatusOr<std::optional<v1::Provider>> RedisRegistryStore::GetProvider(
    const std::string& provider_id) {
  return ReadProto<v1::Provider>(redis_, Key("provider:" + provider_id),
                                 "data");
}

absl::StatusOr<std::vector<v1::Provider>> RedisRegistryStore::ListProviders() {
  absl::StatusOr<RedisReply> ids =
      redis_->Command({"SMEMBERS", Key("providers")});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) {
    reads.push_back({"HGET", Key("provider:" + id.str), "data"});
  }
  std::vector<v1::Provider> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (const auto& d : *data) {
    if (d.is_nil()) continue;
    v1::Provider p;
    if (!p.ParseFromString(d.str))
      return absl::DataLossError("corrupt provider");
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.provider_id() < b.provider_id();
  });
  return out;
}

absl::StatusOr<std::optional<RequestRecord>> RedisRegistryStore::GetRequest(
    const std::string& request_id) {
  return ReadRequestRecord(redis_, Key("request:" + request_id));
}

absl::StatusOr<std::vector<v1::HistoryEntry>> RedisRegistryStore::History(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"LRANGE", Key("history:" + provider_id), "0", "-1"});
  if (!r.ok()) return r.status();
  std::vector<v1::HistoryEntry> out;
  for (const auto& e : r->elements) {
    v1::HistoryEntry h;
    if (!h.ParseFromString(e.str))
      return absl::DataLossError("corrupt history");
    out.push_back(std::move(h));
  }
  return out;
}

absl::Status RedisRegistryStore::Apply(const v1::RegistryEvent& event) {
  const std::string request_record = RequestRecordOf(event);
  std::vector<std::string> keys, args;
  if (event.has_municipality_configured()) {
    keys = {Key("municipality"), Key("history:municipality"),
            Key("request:" + event.request_id()), Key("providers")};
    args = {
        std::to_string(event.aggregate_version()),
        SerializeDeterministic(event.municipality_configured().municipality()),
        SerializeDeterministic(DescribeEvent(event)), request_record, ""};
  } else if (const v1::Provider* p = ProviderOf(event)) {
    keys = {Key("provider:" + p->provider_id()),
            Key("history:" + p->provider_id()),
            Key("request:" + event.request_id()), Key("providers")};
    args = {std::to_string(event.aggregate_version()),
            SerializeDeterministic(*p),
            SerializeDeterministic(DescribeEvent(event)), request_record,
            p->provider_id()};
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("registry event ", event.event_id(), " has no payload"));
  }
  if (collect_ != nullptr) {
    collect_->AddScript(kApplyScript, keys, args);
    return absl::OkStatus();
  }
  return redis_->EvalSource(kApplyScript, keys, args).status();
}

absl::StatusOr<std::unique_ptr<AggregateLock>> RedisRegistryStore::Lock(
    const std::string& aggregate_id) {
  return LockAggregate(redis_, prefix_, aggregate_id);
}

}  // namespace lov::registry
