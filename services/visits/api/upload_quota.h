#ifndef LOV_SERVICES_VISITS_API_UPLOAD_QUOTA_H_
#define LOV_SERVICES_VISITS_API_UPLOAD_QUOTA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "lov/platform/clock.h"
#include "lov/platform/config.h"
#include "lov/platform/rate_limiter.h"

namespace lov::visits {

// How many reports a provider may send (flags of the visits service).
struct UploadLimits {
  // Per provider and replica, UploadVisits and ReportVisit together; 0: no
  // quota.
  int64_t reports_per_second = 2000;
  int64_t burst = 20000;  // reports a provider may send at once after a rest
  // Reports one UploadVisits stream takes; then the client opens a new
  // stream for the rest. 0: no cap.
  int64_t max_reports_per_stream = 10000;

  // --upload-reports-per-second, --upload-burst, --max-reports-per-stream.
  static UploadLimits Read(Config& config);
};

// The limits at the gRPC edge: each report spends one of its provider's
// tokens; a refusal is RESOURCE_EXHAUSTED naming the limit, with a
// google.rpc.RetryInfo that says when to send again, and is counted in
// lov_visits_refused_reports_total{reason}.
class UploadQuota {
 public:
  UploadQuota(UploadLimits limits, const Clock* clock);

  // One report of `provider_id`: OK, or the quota's refusal.
  absl::Status TakeReport(const std::string& provider_id);
  // Whether a stream that has taken `taken` reports may take one more: OK,
  // or the cap's refusal (retry at once, on a new stream).
  absl::Status NextOnStream(int64_t taken) const;

  const UploadLimits& limits() const { return limits_; }

 private:
  const UploadLimits limits_;
  RateLimiter limiter_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_API_UPLOAD_QUOTA_H_
