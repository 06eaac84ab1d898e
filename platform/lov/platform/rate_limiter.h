#ifndef LOV_PLATFORM_RATE_LIMITER_H_
#define LOV_PLATFORM_RATE_LIMITER_H_

// A quota per key (a provider): a token bucket that refills at `per_second`
// tokens a second up to `burst`. Each Take spends one token; without one
// the caller is refused and told how long until a token is there. One
// limiter per process: with several replicas each allows the rate on its
// own (the total is replicas x rate).

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "lov/platform/clock.h"

namespace lov {

class RateLimiter {
 public:
  struct Settings {
    double per_second = 0;  // 0: no quota (every Take allowed)
    int64_t burst = 1;      // tokens a key starts with and may save up
  };
  struct Taken {
    bool allowed = true;
    absl::Duration retry_after;  // refused: when the next token is there
  };

  RateLimiter(Settings settings, const Clock* clock);

  // Spends one of `key`'s tokens, or says how long to wait for one.
  Taken Take(const std::string& key);

  const Settings& settings() const { return settings_; }
  // Keys tracked now (a full bucket is forgotten: it is the starting state).
  size_t tracked() const;

  // Buckets kept before the full ones are forgotten.
  static constexpr size_t kPruneAbove = 4096;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };
  void RefillLocked(Bucket& bucket, absl::Time now) const;
  void PruneLocked(absl::Time now);

  const Settings settings_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_RATE_LIMITER_H_
