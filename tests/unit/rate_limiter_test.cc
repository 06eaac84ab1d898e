// The per-provider quota: a token bucket on a clock the test moves.
#include "lov/platform/rate_limiter.h"

#include <gtest/gtest.h>

namespace lov {
namespace {

class FakeClock : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1700000000);
};

TEST(RateLimiterTest, ABurstIsAllowedThenTheNextIsToldWhenToComeBack) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 10, .burst = 3}, &clock);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  RateLimiter::Taken refused = limiter.Take("p1");
  EXPECT_FALSE(refused.allowed);
  // 10 a second: the next token is there 100 ms later.
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(100));
}

TEST(RateLimiterTest, WaitingTheRetryDelayFindsAToken) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 4, .burst = 1}, &clock);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  clock.now += absl::Milliseconds(100);
  RateLimiter::Taken refused = limiter.Take("p1");
  ASSERT_FALSE(refused.allowed);
  // A token every 250 ms; 100 ms of it have passed.
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(150));
  clock.now += refused.retry_after;
  EXPECT_TRUE(limiter.Take("p1").allowed);
  EXPECT_FALSE(limiter.Take("p1").allowed);
}

TEST(RateLimiterTest, EachProviderHasItsOwnBucket) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 1, .burst = 2}, &clock);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  EXPECT_TRUE(limiter.Take("p1").allowed);
  EXPECT_FALSE(limiter.Take("p1").allowed);
  EXPECT_TRUE(limiter.Take("p2").allowed);
  EXPECT_TRUE(limiter.Take("p2").allowed);
  EXPECT_FALSE(limiter.Take("p2").allowed);
}

TEST(RateLimiterTest, IdleTimeSavesUpNoMoreThanTheBurst) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 100, .burst = 5}, &clock);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Take("p1").allowed);
  clock.now += absl::Hours(1);
  int allowed = 0;
  while (limiter.Take("p1").allowed) ++allowed;
  EXPECT_EQ(allowed, 5);
}

TEST(RateLimiterTest, ASustainedRateIsHeldToTheQuota) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 50, .burst = 10}, &clock);
  // A client trying every millisecond for 10 s gets the burst plus 50 a
  // second, not more.
  int allowed = 0;
  for (int ms = 0; ms < 10000; ++ms) {
    if (limiter.Take("p1").allowed) ++allowed;
    clock.now += absl::Milliseconds(1);
  }
  EXPECT_GE(allowed, 10 + 50 * 10 - 1);
  EXPECT_LE(allowed, 10 + 50 * 10);
}

TEST(RateLimiterTest, ZeroPerSecondMeansNoQuota) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 0, .burst = 1}, &clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Take("p1").allowed);
  EXPECT_EQ(limiter.tracked(), 0u);
}

TEST(RateLimiterTest, FullBucketsAreForgottenSoManyKeysDoNotGrowMemory) {
  FakeClock clock;
  RateLimiter limiter({.per_second = 1000, .burst = 1}, &clock);
  for (size_t i = 0; i < 3 * RateLimiter::kPruneAbove; ++i) {
    limiter.Take("p" + std::to_string(i));
    clock.now += absl::Milliseconds(2);  // each bucket full again by then
  }
  EXPECT_LE(limiter.tracked(), RateLimiter::kPruneAbove + 1);
}

}  // namespace
}  // namespace lov
