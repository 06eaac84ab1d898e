#ifndef LOV_SERVICES_VISITS_ADAPTERS_REDIS_SCRIPT_BATCH_H_
#define LOV_SERVICES_VISITS_ADAPTERS_REDIS_SCRIPT_BATCH_H_

// What the files of RedisVisitStore share: a script written for one item run
// over a whole batch in one call, and the decoding of stored values.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"

namespace lov::visits::redis_batch {

inline int64_t Ms(const google::protobuf::Timestamp& t) {
  return absl::ToUnixMillis(FromProtoTime(t));
}

// A script written for one item (KEYS, ARGV) run once per item, in order,
// in one EvalSource: a batch costs one round trip. Each item's keys and
// arguments travel packed in one ARGV string (PackItem), which the script
// unpacks with Redis's Lua struct library into the item's KEYS and ARGV:
// Redis then parses one argument per item instead of one per key and
// argument (about 40 for a recorded report), and hiredis formats one
// (docs/performance.md, "Packed script arguments"). The reply holds the
// items' replies in order.
//
// An item may hand a command whose effect does not depend on the order of
// the items to later(op, key, field, value) instead of calling it: 'HINCRBY'
// is summed per key and field (three fields of a key or more are read and
// written in one HMGET and one HSET, with the same result), 'SADD'/'SREM'
// members are merged per key, 'HMAX' keeps the greatest value of a hash field
// (an offset). They are sent once per key (and field) at the end of the call,
// so reports of a batch that touch the same aggregate cost one command, not one
// each. Nothing in the same call reads what is deferred.
std::string ForEachItem(const char* item_script);

// One item of a batched script call.
struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// An item as one argument: the key and argument counts (16-bit, big-endian),
// then each key and argument as its length (32-bit, big-endian) and bytes.
// INVALID_ARGUMENT for more than 4,000 keys or arguments, or one longer than
// 4 GiB.
absl::StatusOr<std::string> PackItem(const ScriptCall& call);

absl::StatusOr<std::vector<RedisReply>> EvalEach(
    RedisClient* redis, const std::string& batched_source,
    const std::vector<ScriptCall>& calls);

// The batched form of a script, made once.
template <const char* kItemScript>
const std::string& Batched() {
  static const std::string* source = new std::string(ForEachItem(kItemScript));
  return *source;
}

template <typename Message>
absl::Status ParseInto(const std::string& bytes, Message* m,
                       const std::string& what) {
  if (!m->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what));
  }
  return absl::OkStatus();
}

}  // namespace lov::visits::redis_batch

#endif  // LOV_SERVICES_VISITS_ADAPTERS_REDIS_SCRIPT_BATCH_H_
