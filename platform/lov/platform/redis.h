#ifndef LOV_PLATFORM_REDIS_H_
#define LOV_PLATFORM_REDIS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/kafka.h"
#include "lov/platform/requests.h"

struct redisContext;

namespace lov {

// A Redis reply, copied out of hiredis so it outlives the connection.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // kString and kStatus
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

// A Lua script: its source, and the SHA1 Redis gave it when it was loaded.
struct RedisScript {
  std::string source;
  std::string sha;
};

// The status of a Redis error reply, with Redis's text. Unavailable (the
// caller retries; a consumer never dead-letters an event for it) when the
// error is about the server's state and goes away without the command
// changing: loading, busy, read-only, out of memory, failing persistence
// (MISCONF), too few replicas, too many clients, credentials or ACLs
// (NOAUTH, WRONGPASS, NOPERM). Any other error is about the command itself
// (a wrong type, a bad argument): FailedPrecondition.
absl::Status RedisErrorStatus(const std::string& reply);

// Thread-safe client over a small pool of hiredis connections. A hiredis
// context is dead after an I/O error, so such a connection is dropped and
// the next call makes a new one. Redis error replies come back as
// RedisErrorStatus says; connection trouble, a timeout or a failed login as
// Unavailable (Connect reports wrong credentials as PermissionDenied).
// Credentials every new connection authenticates with (AUTH); an empty
// password: none. With a username, Redis 6 ACLs (AUTH username password).
struct RedisAuth {
  std::string username;
  std::string password;
};

class RedisClient {
 public:
  // Connects once to fail fast with a clear message if Redis is not there
  // or refuses the credentials.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Connect(
      const std::string& host_port, absl::Duration timeout = absl::Seconds(5),
      RedisAuth auth = {});
  ~RedisClient();

  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Sends all commands before reading any reply: one round trip.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // SCRIPT LOAD once; Eval then calls EVALSHA and loads again on NOSCRIPT
  // (e.g. after a Redis restart flushed the script cache).
  absl::StatusOr<RedisScript> LoadScript(const std::string& source);
  absl::StatusOr<RedisReply> Eval(RedisScript& script,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  // Like Eval, for scripts given by source: each is loaded once per client
  // and then called by its SHA.
  absl::StatusOr<RedisReply> EvalSource(const std::string& source,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args);

  // An optimistic transaction on one connection (redis_transaction.cc):
  // WATCH `watch`, then `reads` (one round trip); `decide` turns the reads'
  // replies into the writes, which run in MULTI/EXEC (a second round trip).
  // nullopt when EXEC was refused because a watched key changed in between
  // (nothing written); no writes from `decide`: UNWATCH, and an empty list.
  // An error reply of a read or of a write inside EXEC fails the call (the
  // other writes of the EXEC were made, as a script's before its error are).
  using TransactionWrites = std::vector<std::vector<std::string>>;
  absl::StatusOr<std::optional<std::vector<RedisReply>>> WatchedTransaction(
      const std::vector<std::string>& watch,
      const std::vector<std::vector<std::string>>& reads,
      const std::function<absl::StatusOr<TransactionWrites>(
          const std::vector<RedisReply>&)>& decide);
  const std::string& address() const { return host_port_; }
  // How long a command waits out an outage (no connection, a connection
  // lost before any reply, LOADING) before it fails with UNAVAILABLE.
  void set_ride_out(absl::Duration d) { ride_out_ = d; }
  static constexpr absl::Duration kDefaultRideOut = absl::Seconds(5);

 private:
  RedisClient() = default;
  absl::StatusOr<redisContext*> Acquire(bool* reused);
  void Release(redisContext* ctx, bool healthy);
  void DropIdle();

  std::string host_;
  int port_ = 0;
  std::string host_port_;
  absl::Duration timeout_;
  absl::Duration ride_out_ = kDefaultRideOut;
  RedisAuth auth_;
  std::mutex mu_;
  std::vector<redisContext*> idle_;
  std::mutex scripts_mu_;
  std::map<std::string, RedisScript> scripts_;
};

// A lease on a key (SET NX PX): only one holder at a time across every
// process sharing the Redis; a crashed holder's lease expires after `ttl`.
// Used to serialise commands on one aggregate.
class RedisLease : public AggregateLock {
 public:
  static absl::StatusOr<std::unique_ptr<RedisLease>> Acquire(
      RedisClient* redis, const std::string& key,
      absl::Duration ttl = absl::Seconds(15),
      absl::Duration wait = absl::Seconds(10));
  ~RedisLease() override;  // releases the lease if it is still ours
  // Extends the lease to `at_least` from now if it is still ours (one
  // script: compare the token, then PEXPIRE); ABORTED if it is not.
  absl::Status Hold(absl::Duration at_least) override;
  void KeepUntilExpiry() override { keep_ = true; }

 private:
  RedisLease(RedisClient* redis, std::string key, std::string token)
      : redis_(redis), key_(std::move(key)), token_(std::move(token)) {}
  RedisClient* redis_;
  std::string key_;
  std::string token_;
  bool keep_ = false;
};

// The lease "<key prefix>:lock:<aggregate id>" as an AggregateLock.
absl::StatusOr<std::unique_ptr<AggregateLock>> LockAggregate(
    RedisClient* redis, const std::string& key_prefix,
    const std::string& aggregate_id);

// A protobuf record kept in field `field` of hash `key`; nullopt if absent,
// DataLoss if it does not parse.
template <typename Message>
absl::StatusOr<std::optional<Message>> ReadProto(RedisClient* redis,
                                                 const std::string& key,
                                                 const std::string& field) {
  absl::StatusOr<RedisReply> r = redis->Command({"HGET", key, field});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<Message>();
  Message m;
  if (!m.ParseFromString(r->str)) {
    return absl::DataLossError("corrupt record at " + key);
  }
  return std::optional<Message>(std::move(m));
}

// A request id's record, kept at `key` as "<fingerprint> <aggregate id>"
// by the projection of the event that carried it (see RequestRecordOf).
absl::StatusOr<std::optional<RequestRecord>> ReadRequestRecord(
    RedisClient* redis, const std::string& key);
// The value to keep for the request of `event` (an envelope message);
// empty when the event came with no request id.
template <typename Event>
std::string RequestRecordOf(const Event& event) {
  if (event.request_id().empty()) return "";
  return event.request_fingerprint() + " " + event.aggregate_id();
}

// DedupeStore on Redis: "<prefix>:<event id>" with a time to live, long
// enough to cover any redelivery window.
class RedisDedupeStore : public DedupeStore {
 public:
  RedisDedupeStore(RedisClient* redis, std::string prefix,
                   absl::Duration ttl = absl::Hours(24 * 30))
      : redis_(redis), prefix_(std::move(prefix)), ttl_(ttl) {}
  absl::StatusOr<bool> Seen(const std::string& event_id) override;
  absl::Status MarkDone(const std::string& event_id) override;
  // One pipeline for all.
  absl::StatusOr<std::vector<bool>> SeenAll(
      const std::vector<std::string>& event_ids) override;
  absl::Status MarkAllDone(const std::vector<std::string>& event_ids) override;

 private:
  RedisClient* redis_;
  std::string prefix_;
  absl::Duration ttl_;
};

// The key of the offsets a service's projection `projection` (e.g.
// "state") keeps with its state, for every reader of them (Projection, a
// sweep that waits until the projection has applied an event):
// "<service_prefix>:offsets:<projection>", `service_prefix` being the root of
// the service's keys ("<ns>:lov:<service>", ServiceContext::KeyPrefix()).
inline std::string ProjectionOffsetsKey(const std::string& service_prefix,
                                        const std::string& projection) {
  return service_prefix + ":offsets:" + projection;
}

// OffsetStore in one Redis hash beside the state: field
// "<topic>/<partition>" = the next offset to handle.
class RedisOffsetStore : public OffsetStore {
 public:
  RedisOffsetStore(RedisClient* redis, std::string key)
      : redis_(redis), key_(std::move(key)) {}
  absl::StatusOr<std::optional<int64_t>> Load(const std::string& topic,
                                              int32_t partition) override;
  absl::Status Save(const std::string& topic, int32_t partition,
                    int64_t next_offset) override;

 private:
  RedisClient* redis_;
  std::string key_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_REDIS_H_
