#ifndef LOV_PLATFORM_REDIS_INTERNAL_H_
#define LOV_PLATFORM_REDIS_INTERNAL_H_

// What the Redis client's files (redis.cc, redis_transaction.cc) share among
// themselves; not for services, which use lov/platform/redis.h.

#include <hiredis/hiredis.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/metrics.h"
#include "lov/platform/redis.h"

namespace lov::redis_internal {

// A hiredis reply copied out (arrays with their elements).
RedisReply Convert(const redisReply* r);

// An error reply as RedisErrorStatus says; OK for any other reply. Error
// replies nested in arrays (e.g. from pipelines) become statuses too.
absl::Status ReplyError(const redisReply* r);

// Queues one command on `ctx` (sent with the next read of a reply).
void Append(redisContext* ctx, const std::vector<std::string>& args);

// One round trip's latency, by command (EVALSHA, GET, ...; PIPELINE for
// several commands in one round trip), errors included.
class RoundTripTimer {
 public:
  explicit RoundTripTimer(
      const std::vector<std::vector<std::string>>& commands);
  ~RoundTripTimer();

 private:
  absl::Time start_;
  metrics::Histogram* histogram_;
};

}  // namespace lov::redis_internal

#endif  // LOV_PLATFORM_REDIS_INTERNAL_H_
