// The upload limits at the gRPC edge: the provider's quota and the stream's
// cap, each refused with RESOURCE_EXHAUSTED naming the limit and a RetryInfo
// the client can act on.
#include "lov/visits/api/upload_quota.h"

#include <gtest/gtest.h>

#include "lov/platform/metrics.h"
#include "lov/platform/retry_info.h"
#include "lov/platform/service_host.h"

namespace lov::visits {
namespace {

class FakeClock : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1700000000);
};

double Refused(const std::string& reason) {
  return metrics::Registry::Default()
      .GetCounter("lov_visits_refused_reports_total", "", {{"reason", reason}})
      .value();
}

TEST(UploadQuotaTest, OverTheQuotaIsResourceExhaustedWithWhenToSendAgain) {
  FakeClock clock;
  UploadQuota quota({.reports_per_second = 100, .burst = 2}, &clock);
  const double before = Refused("quota");
  EXPECT_TRUE(quota.TakeReport("prv-1").ok());
  EXPECT_TRUE(quota.TakeReport("prv-1").ok());
  absl::Status refused = quota.TakeReport("prv-1");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("100 reports per second per provider"),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.message().find("prv-1"), std::string::npos);
  EXPECT_EQ(Refused("quota"), before + 1);
  // On the wire: the gRPC status carries google.rpc.RetryInfo, 10 ms (one
  // token at 100 a second).
  grpc::Status wire = ToGrpcStatus(refused);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(wire.error_message(), std::string(refused.message()));
  std::optional<absl::Duration> delay = RetryDelayOf(wire);
  ASSERT_TRUE(delay.has_value());
  EXPECT_EQ(*delay, absl::Milliseconds(10));
  // Another provider is not held back; after the delay this one goes on.
  EXPECT_TRUE(quota.TakeReport("prv-2").ok());
  clock.now += *delay;
  EXPECT_TRUE(quota.TakeReport("prv-1").ok());
}

TEST(UploadQuotaTest, TheStreamCapRefusesTheReportAfterTheLastAllowed) {
  FakeClock clock;
  UploadQuota quota({.max_reports_per_stream = 3}, &clock);
  const double before = Refused("stream_cap");
  EXPECT_TRUE(quota.NextOnStream(0).ok());
  EXPECT_TRUE(quota.NextOnStream(2).ok());
  absl::Status refused = quota.NextOnStream(3);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("at most 3 reports per stream"),
            std::string::npos)
      << refused;
  EXPECT_EQ(Refused("stream_cap"), before + 1);
  // Send the rest at once, on a new stream.
  EXPECT_EQ(RetryDelayOf(ToGrpcStatus(refused)), absl::ZeroDuration());
}

TEST(UploadQuotaTest, ZeroTurnsEachLimitOff) {
  FakeClock clock;
  UploadQuota quota({.reports_per_second = 0, .max_reports_per_stream = 0},
                    &clock);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(quota.TakeReport("p").ok());
  EXPECT_TRUE(quota.NextOnStream(int64_t{1} << 40).ok());
}

TEST(UploadQuotaTest, AStatusWithoutDetailsHasNoRetryDelay) {
  EXPECT_FALSE(
      RetryDelayOf(ToGrpcStatus(absl::UnavailableError("down"))).has_value());
  EXPECT_TRUE(StatusDetailsOf(absl::UnavailableError("down")).empty());
}

}  // namespace
}  // namespace lov::visits
