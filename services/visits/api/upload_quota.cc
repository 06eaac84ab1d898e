#include "lov/visits/api/upload_quota.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/metrics.h"
#include "lov/platform/retry_info.h"

namespace lov::visits {
namespace {

void CountRefused(const char* reason) {
  metrics::Registry::Default()
      .GetCounter("lov_visits_refused_reports_total",
                  "Visit reports refused before any work, by the limit they "
                  "hit (quota: reports per second per provider; stream_cap: "
                  "reports per upload stream); the client sends them again",
                  {{"reason", reason}})
      .Inc();
}

}  // namespace

UploadLimits UploadLimits::Read(Config& config) {
  UploadLimits l;
  l.reports_per_second =
      config.Int("upload-reports-per-second", l.reports_per_second, 0, 1000000);
  l.burst = config.Int("upload-burst", l.burst, 1, 10000000);
  l.max_reports_per_stream = config.Int("max-reports-per-stream",
                                        l.max_reports_per_stream, 0, 100000000);
  return l;
}

UploadQuota::UploadQuota(UploadLimits limits, const Clock* clock)
    : limits_(limits),
      limiter_({.per_second = static_cast<double>(limits.reports_per_second),
                .burst = limits.burst},
               clock) {}

absl::Status UploadQuota::TakeReport(const std::string& provider_id) {
  const RateLimiter::Taken taken = limiter_.Take(provider_id);
  if (taken.allowed) return absl::OkStatus();
  CountRefused("quota");
  return QuotaExceeded(
      absl::StrCat("upload quota: at most ", limits_.reports_per_second,
                   " reports per second per provider (burst ", limits_.burst,
                   ", --upload-reports-per-second) for provider ", provider_id,
                   "; send this report and the rest again after ",
                   absl::ToInt64Milliseconds(taken.retry_after), " ms"),
      absl::StrCat("provider:", provider_id), taken.retry_after);
}

absl::Status UploadQuota::NextOnStream(int64_t taken) const {
  if (limits_.max_reports_per_stream <= 0 ||
      taken < limits_.max_reports_per_stream) {
    return absl::OkStatus();
  }
  CountRefused("stream_cap");
  return QuotaExceeded(
      absl::StrCat("upload stream: at most ", limits_.max_reports_per_stream,
                   " reports per stream (--max-reports-per-stream); the first ",
                   taken, " were answered, send the rest on a new stream"),
      "upload-stream", absl::ZeroDuration());
}

}  // namespace lov::visits
