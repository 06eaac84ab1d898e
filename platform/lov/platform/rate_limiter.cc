#include "lov/platform/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace lov {

RateLimiter::RateLimiter(Settings settings, const Clock* clock)
    : settings_(settings), clock_(clock) {}

void RateLimiter::RefillLocked(Bucket& bucket, absl::Time now) const {
  if (now > bucket.refilled) {
    bucket.tokens =
        std::min(static_cast<double>(settings_.burst),
                 bucket.tokens + absl::ToDoubleSeconds(now - bucket.refilled) *
                                     settings_.per_second);
  }
  bucket.refilled = std::max(bucket.refilled, now);
}

RateLimiter::Taken RateLimiter::Take(const std::string& key) {
  if (settings_.per_second <= 0) return {};
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > kPruneAbove) PruneLocked(now);
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (fresh) {
    bucket.tokens = static_cast<double>(settings_.burst);
    bucket.refilled = now;
  }
  RefillLocked(bucket, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return {};
  }
  // Rounded up to whole milliseconds, so a caller that waits this long
  // finds the token.
  const double seconds = (1 - bucket.tokens) / settings_.per_second;
  return {.allowed = false,
          .retry_after = absl::Milliseconds(std::ceil(seconds * 1000))};
}

size_t RateLimiter::tracked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

void RateLimiter::PruneLocked(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    RefillLocked(it->second, now);
    if (it->second.tokens >= static_cast<double>(settings_.burst)) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace lov
