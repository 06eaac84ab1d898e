#include "lov/platform/redis.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/redis_internal.h"

namespace lov {

using redis_internal::Append;
using redis_internal::Convert;
using redis_internal::ReplyError;
using redis_internal::RoundTripTimer;

namespace {

constexpr size_t kMaxIdle = 16;

// Names the failed login in Acquire's error, so that Connect can tell it.
constexpr char kAuthenticationFailed[] = "authentication failed";

}  // namespace

namespace redis_internal {

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(Convert(r->element[i]));
      }
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

absl::Status ReplyError(const redisReply* r) {
  if (r->type != REDIS_REPLY_ERROR) return absl::OkStatus();
  return RedisErrorStatus(std::string(r->str, r->len));
}

void Append(redisContext* ctx, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx, static_cast<int>(args.size()), argv.data(),
                         lens.data());
}

RoundTripTimer::RoundTripTimer(
    const std::vector<std::vector<std::string>>& commands)
    : start_(absl::Now()) {
  std::string command = "PIPELINE";
  if (commands.size() == 1 && !commands[0].empty()) {
    command = absl::AsciiStrToUpper(commands[0][0]);
  }
  histogram_ = &metrics::Registry::Default().GetHistogram(
      "lov_redis_command_duration_seconds",
      "Redis round trips (one command or one pipeline), seconds",
      {{"command", command}});
}

RoundTripTimer::~RoundTripTimer() {
  histogram_->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
}

}  // namespace redis_internal

absl::Status RedisErrorStatus(const std::string& reply) {
  // Redis's convention: the error code is the reply's first word.
  const std::string code = reply.substr(0, reply.find(' '));
  static constexpr std::string_view kServerStates[] = {
      "LOADING",   // reading its data after a restart
      "BUSY",      // a script runs too long
      "TRYAGAIN",  // a key moves between cluster nodes
      "CLUSTERDOWN", "MASTERDOWN",
      "READONLY",    // a replica, e.g. after a failover
      "OOM",         // maxmemory reached (noeviction)
      "MISCONF",     // cannot persist, e.g. the disk is full
      "NOREPLICAS",  // fewer replicas than min-replicas-to-write
      // Credentials or ACLs changed under a running service.
      "NOAUTH", "WRONGPASS", "NOPERM"};
  const bool server_state =
      std::find(std::begin(kServerStates), std::end(kServerStates), code) !=
          std::end(kServerStates) ||
      reply.rfind("ERR max number of clients reached", 0) == 0;
  const std::string message = "redis: " + reply;
  return server_state ? absl::UnavailableError(message)
                      : absl::FailedPreconditionError(message);
}

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Connect(
    const std::string& host_port, absl::Duration timeout, RedisAuth auth) {
  std::unique_ptr<RedisClient> c(new RedisClient());
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &c->port_) ||
      c->port_ <= 0 || c->port_ > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "redis address '", host_port,
        "' is not host:port (check --redis-addr / LOV_REDIS_ADDR)"));
  }
  c->host_ = host_port.substr(0, colon);
  c->host_port_ = host_port;
  c->timeout_ = timeout;
  c->auth_ = std::move(auth);
  // At start-up a missing Redis is reported at once, not ridden out.
  c->ride_out_ = absl::ZeroDuration();
  absl::StatusOr<RedisReply> pong = c->Command({"PING"});
  c->ride_out_ = kDefaultRideOut;
  // At start-up wrong credentials are a configuration error, not an outage.
  if (!pong.ok() &&
      absl::StrContains(pong.status().message(), kAuthenticationFailed)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Redis at ", host_port, " refused the credentials of user ",
        c->auth_.username.empty() ? "default" : c->auth_.username, ": ",
        pong.status().message()));
  }
  if (!pong.ok() && absl::StrContains(pong.status().message(), "NOAUTH")) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Redis at ", host_port,
        " requires a password: set --redis-username and "
        "--redis-password-file (LOV_REDIS_USERNAME, LOV_REDIS_PASSWORD_FILE)"));
  }
  if (!pong.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot reach Redis at ", host_port, ": ", pong.status().message(),
        " (check --redis-addr / LOV_REDIS_ADDR)"));
  }
  return c;
}

RedisClient::~RedisClient() {
  for (redisContext* ctx : idle_) redisFree(ctx);
}

absl::StatusOr<redisContext*> RedisClient::Acquire(bool* reused) {
  *reused = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      redisContext* ctx = idle_.back();
      idle_.pop_back();
      *reused = true;
      return ctx;
    }
  }
  timeval tv = absl::ToTimeval(timeout_);
  redisContext* ctx = redisConnectWithTimeout(host_.c_str(), port_, tv);
  if (ctx == nullptr) return absl::UnavailableError("redis: out of memory");
  if (ctx->err) {
    std::string err = ctx->errstr;
    redisFree(ctx);
    return absl::UnavailableError(
        absl::StrCat("redis ", host_port_, ": ", err));
  }
  redisSetTimeout(ctx, tv);
  if (!auth_.password.empty()) {
    redisReply* r = static_cast<redisReply*>(
        auth_.username.empty()
            ? redisCommand(ctx, "AUTH %b", auth_.password.data(),
                           auth_.password.size())
            : redisCommand(ctx, "AUTH %b %b", auth_.username.data(),
                           auth_.username.size(), auth_.password.data(),
                           auth_.password.size()));
    const bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    // Redis's own words ("WRONGPASS invalid username-password pair"); never
    // the password.
    std::string why = r == nullptr ? std::string(ctx->errstr)
                      : r->type == REDIS_REPLY_ERROR
                          ? std::string(r->str, r->len)
                          : "";
    if (r != nullptr) freeReplyObject(r);
    if (!ok) {
      redisFree(ctx);
      // Unavailable: a password rotated under a running service is an
      // outage to ride out, never a reason to drop an event.
      return absl::UnavailableError(absl::StrCat(
          "redis ", host_port_, ": ", kAuthenticationFailed, ": ", why,
          " (check --redis-username / LOV_REDIS_USERNAME and "
          "--redis-password-file / LOV_REDIS_PASSWORD_FILE)"));
    }
  }
  return ctx;
}

void RedisClient::Release(redisContext* ctx, bool healthy) {
  if (healthy && ctx->err == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(ctx);
      return;
    }
  }
  redisFree(ctx);
}

absl::StatusOr<RedisReply> RedisClient::Command(
    const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<RedisReply>> replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

void RedisClient::DropIdle() {
  std::vector<redisContext*> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle.swap(idle_);
  }
  for (redisContext* ctx : idle) redisFree(ctx);
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  RoundTripTimer timer(commands);
  // A short outage (a restart, a failover, the data being loaded) is
  // ridden out: while nothing was executed, the commands are sent again
  // with back-off for up to ride_out_, instead of failing every caller at
  // once.
  absl::Time give_up = absl::InfiniteFuture();
  absl::Duration pause = absl::Milliseconds(20);
  auto wait_more = [&] {
    if (give_up == absl::InfiniteFuture()) give_up = absl::Now() + ride_out_;
    if (absl::Now() + pause > give_up) return false;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(pause));
    pause = std::min(pause * 2, absl::Milliseconds(500));
    return true;
  };
  while (true) {
    bool reused = false;
    absl::StatusOr<redisContext*> ctx = Acquire(&reused);
    if (!ctx.ok()) {
      const bool refused_login =
          absl::StrContains(ctx.status().message(), kAuthenticationFailed);
      if (!refused_login && wait_more()) continue;
      return ctx.status();
    }
    for (const auto& args : commands) Append(*ctx, args);
    std::vector<RedisReply> out;
    out.reserve(commands.size());
    absl::Status first_error;
    bool broken = false;
    size_t loading = 0;  // replies refused because Redis loads its data
    std::string err;
    size_t i = 0;
    for (; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(*ctx, &raw) != REDIS_OK || raw == nullptr) {
        err = (*ctx)->errstr;
        broken = true;
        break;
      }
      auto* reply = static_cast<redisReply*>(raw);
      absl::Status s = ReplyError(reply);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (reply->type == REDIS_REPLY_ERROR &&
          std::string_view(reply->str, reply->len).rfind("LOADING", 0) == 0) {
        ++loading;
      }
      out.push_back(Convert(reply));
      freeReplyObject(reply);
    }
    Release(*ctx, /*healthy=*/!broken);
    if (broken) {
      // No reply at all: on a pooled connection the server most likely
      // closed it earlier (a restart closes every one of them), so nothing
      // ran; the next try is on a new connection.
      if (i == 0 && reused) {
        DropIdle();
        continue;
      }
      if (i == 0 && wait_more()) continue;
      return absl::UnavailableError(
          absl::StrCat("redis ", host_port_, ": ", err));
    }
    // Every command refused while Redis loads its data: none ran.
    if (loading == commands.size() && wait_more()) continue;
    if (!first_error.ok()) return first_error;
    return out;
  }
}

absl::StatusOr<RedisScript> RedisClient::LoadScript(const std::string& source) {
  absl::StatusOr<RedisReply> r = Command({"SCRIPT", "LOAD", source});
  if (!r.ok()) return r.status();
  return RedisScript{source, r->str};
}

absl::StatusOr<RedisReply> RedisClient::Eval(
    RedisScript& script, const std::vector<std::string>& keys,
    const std::vector<std::string>& args) {
  std::vector<std::string> cmd = {"EVALSHA", script.sha,
                                  std::to_string(keys.size())};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  absl::StatusOr<RedisReply> r = Command(cmd);
  if (!r.ok() && absl::StrContains(r.status().message(), "NOSCRIPT")) {
    absl::StatusOr<RedisScript> reloaded = LoadScript(script.source);
    if (!reloaded.ok()) return reloaded.status();
    script.sha = reloaded->sha;
    cmd[1] = script.sha;
    r = Command(cmd);
  }
  return r;
}

absl::StatusOr<RedisReply> RedisClient::EvalSource(
    const std::string& source, const std::vector<std::string>& keys,
    const std::vector<std::string>& args) {
  RedisScript script;
  {
    std::lock_guard<std::mutex> lock(scripts_mu_);
    auto it = scripts_.find(source);
    if (it != scripts_.end()) script = it->second;
  }
  if (script.sha.empty()) {
    absl::StatusOr<RedisScript> loaded = LoadScript(source);
    if (!loaded.ok()) return loaded.status();
    script = *loaded;
  }
  absl::StatusOr<RedisReply> reply = Eval(script, keys, args);
  std::lock_guard<std::mutex> lock(scripts_mu_);
  scripts_[source] = script;  // Eval may have reloaded it under a new SHA
  return reply;
}

absl::StatusOr<std::unique_ptr<RedisLease>> RedisLease::Acquire(
    RedisClient* redis, const std::string& key, absl::Duration ttl,
    absl::Duration wait) {
  std::string token = NewUuid();
  absl::Time give_up = absl::Now() + wait;
  absl::Duration pause = absl::Milliseconds(2);
  while (true) {
    absl::StatusOr<RedisReply> r =
        redis->Command({"SET", key, token, "NX", "PX",
                        std::to_string(absl::ToInt64Milliseconds(ttl))});
    if (!r.ok()) return r.status();
    if (!r->is_nil()) {
      return std::unique_ptr<RedisLease>(new RedisLease(redis, key, token));
    }
    if (absl::Now() >= give_up) {
      return absl::AbortedError(
          absl::StrCat("another request is changing the same record (", key,
                       "); try again"));
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(pause));
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
}

absl::StatusOr<std::unique_ptr<AggregateLock>> LockAggregate(
    RedisClient* redis, const std::string& key_prefix,
    const std::string& aggregate_id) {
  absl::StatusOr<std::unique_ptr<RedisLease>> lease = RedisLease::Acquire(
      redis, absl::StrCat(key_prefix, ":lock:", aggregate_id));
  if (!lease.ok()) return lease.status();
  return std::unique_ptr<AggregateLock>(std::move(*lease));
}

RedisLease::~RedisLease() {
  if (keep_) return;
  // Delete only our own lease: it may have expired and been taken over.
  (void)redis_->EvalSource(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      "return redis.call('DEL', KEYS[1]) else return 0 end",
      {key_}, {token_});
}

absl::Status RedisLease::Hold(absl::Duration at_least) {
  absl::StatusOr<RedisReply> r = redis_->EvalSource(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 else return 0 end",
      {key_}, {token_, std::to_string(absl::ToInt64Milliseconds(at_least))});
  if (!r.ok()) return r.status();
  if (r->integer != 1) {
    return absl::AbortedError(absl::StrCat(
        "the lock on ", key_,
        " expired before the change was published; nothing was written, "
        "retry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RedisDedupeStore::Seen(const std::string& event_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"EXISTS", absl::StrCat(prefix_, ":", event_id)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::Status RedisDedupeStore::MarkDone(const std::string& event_id) {
  return redis_
      ->Command({"SET", absl::StrCat(prefix_, ":", event_id), "1", "EX",
                 std::to_string(absl::ToInt64Seconds(ttl_))})
      .status();
}

absl::StatusOr<std::vector<bool>> RedisDedupeStore::SeenAll(
    const std::vector<std::string>& event_ids) {
  std::vector<bool> out;
  if (event_ids.empty()) return out;
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(event_ids.size());
  for (const std::string& id : event_ids) {
    cmds.push_back({"EXISTS", absl::StrCat(prefix_, ":", id)});
  }
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(cmds);
  if (!r.ok()) return r.status();
  out.reserve(r->size());
  for (const RedisReply& one : *r) out.push_back(one.integer == 1);
  return out;
}

absl::Status RedisDedupeStore::MarkAllDone(
    const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) return absl::OkStatus();
  const std::string ttl = std::to_string(absl::ToInt64Seconds(ttl_));
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(event_ids.size());
  for (const std::string& id : event_ids) {
    cmds.push_back({"SET", absl::StrCat(prefix_, ":", id), "1", "EX", ttl});
  }
  return redis_->Pipeline(cmds).status();
}

namespace {
std::string PartitionField(const std::string& topic, int32_t partition) {
  return absl::StrCat(topic, "/", partition);
}
}  // namespace

absl::StatusOr<std::optional<int64_t>> RedisOffsetStore::Load(
    const std::string& topic, int32_t partition) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HGET", key_, PartitionField(topic, partition)});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<int64_t>();
  int64_t offset = 0;
  if (!absl::SimpleAtoi(r->str, &offset) || offset < 0) {
    return absl::DataLossError(absl::StrCat("corrupt offset at ", key_));
  }
  return std::optional<int64_t>(offset);
}

absl::Status RedisOffsetStore::Save(const std::string& topic, int32_t partition,
                                    int64_t next_offset) {
  // Never backwards: a replica that lost the partition may still save.
  return redis_
      ->EvalSource(
          "local c = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1') "
          "if tonumber(ARGV[2]) > c then "
          "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 1",
          {key_},
          {PartitionField(topic, partition), std::to_string(next_offset)})
      .status();
}

absl::StatusOr<std::optional<RequestRecord>> ReadRequestRecord(
    RedisClient* redis, const std::string& key) {
  absl::StatusOr<RedisReply> r = redis->Command({"GET", key});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<RequestRecord>();
  const auto space = r->str.find(' ');
  if (space == std::string::npos) {
    return absl::DataLossError("corrupt request record at " + key);
  }
  return std::optional<RequestRecord>(
      RequestRecord{r->str.substr(0, space), r->str.substr(space + 1)});
}

}  // namespace lov
