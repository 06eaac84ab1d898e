// RedisClient::WatchedTransaction: an optimistic transaction (WATCH, the
// reads, then MULTI/EXEC of the writes decided from them) on one pooled
// connection.
#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/redis.h"
#include "lov/platform/redis_internal.h"

namespace lov {

using redis_internal::Append;
using redis_internal::Convert;
using redis_internal::ReplyError;
using redis_internal::RoundTripTimer;

namespace {

// The first error reply in `r`, nested ones included (EXEC's array).
absl::Status FirstError(const redisReply* r) {
  if (r->type == REDIS_REPLY_ERROR) return ReplyError(r);
  if (r->type != REDIS_REPLY_ARRAY) return absl::OkStatus();
  for (size_t i = 0; i < r->elements; ++i) {
    if (absl::Status s = FirstError(r->element[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Sends `commands` on `ctx` and reads their replies into `out`, the first
// error reply to `error`; false when the connection broke (`*read` says
// after how many replies).
bool Exchange(redisContext* ctx,
              const std::vector<std::vector<std::string>>& commands,
              std::vector<RedisReply>* out, absl::Status* error, size_t* read) {
  for (const auto& args : commands) Append(ctx, args);
  out->reserve(out->size() + commands.size());
  for (*read = 0; *read < commands.size(); ++*read) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) return false;
    auto* reply = static_cast<redisReply*>(raw);
    if (absl::Status s = FirstError(reply); !s.ok() && error->ok()) *error = s;
    out->push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::optional<std::vector<RedisReply>>>
RedisClient::WatchedTransaction(
    const std::vector<std::string>& watch,
    const std::vector<std::vector<std::string>>& reads,
    const std::function<absl::StatusOr<TransactionWrites>(
        const std::vector<RedisReply>&)>& decide) {
  RoundTripTimer timer({{"WATCH"}});
  std::vector<std::vector<std::string>> first;
  first.reserve(reads.size() + 1);
  first.push_back({"WATCH"});
  first.back().insert(first.back().end(), watch.begin(), watch.end());
  first.insert(first.end(), reads.begin(), reads.end());
  // A pooled connection the server closed (a restart) fails before any
  // reply: then once more on a new one.
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    absl::StatusOr<redisContext*> ctx = Acquire(&reused);
    if (!ctx.ok()) return ctx.status();
    std::vector<RedisReply> got;
    absl::Status error;
    size_t read = 0;
    if (!Exchange(*ctx, first, &got, &error, &read)) {
      std::string err = (*ctx)->errstr;
      Release(*ctx, /*healthy=*/false);
      if (read == 0 && reused && attempt == 0) {
        DropIdle();
        continue;
      }
      return absl::UnavailableError(
          absl::StrCat("redis ", host_port_, ": ", err));
    }
    auto unwatch = [&] {
      std::vector<RedisReply> r;
      absl::Status e;
      size_t n = 0;
      Release(*ctx, Exchange(*ctx, {{"UNWATCH"}}, &r, &e, &n) && e.ok());
    };
    if (!error.ok()) {
      unwatch();
      return error;
    }
    got.erase(got.begin());  // WATCH's OK
    absl::StatusOr<TransactionWrites> writes = decide(got);
    if (!writes.ok() || writes->empty()) {
      unwatch();
      if (!writes.ok()) return writes.status();
      return std::optional<std::vector<RedisReply>>(std::vector<RedisReply>());
    }
    writes->insert(writes->begin(), {"MULTI"});
    writes->push_back({"EXEC"});
    std::vector<RedisReply> replies;
    const bool sent = Exchange(*ctx, *writes, &replies, &error, &read);
    std::string err = sent ? "" : (*ctx)->errstr;
    Release(*ctx, sent);
    if (!sent) {
      return absl::UnavailableError(
          absl::StrCat("redis ", host_port_, ": ", err));
    }
    if (!error.ok()) return error;
    // EXEC's nil: a watched key changed, nothing was written.
    if (replies.back().is_nil()) return std::nullopt;
    return std::optional<std::vector<RedisReply>>(
        std::move(replies.back().elements));
  }
}

}  // namespace lov
