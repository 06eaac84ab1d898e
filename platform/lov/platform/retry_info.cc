#include "lov/platform/retry_info.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace lov {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";

template <typename Message>
std::string TypeUrl() {
  return kTypePrefix + Message::descriptor()->full_name();
}

}  // namespace

absl::Status QuotaExceeded(const std::string& message,
                           const std::string& subject,
                           absl::Duration retry_after) {
  absl::Status s = absl::ResourceExhaustedError(message);
  google::rpc::RetryInfo retry;
  const int64_t ms = absl::ToInt64Milliseconds(retry_after);
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) *
                                         1000000);
  s.SetPayload(TypeUrl<google::rpc::RetryInfo>(),
               absl::Cord(retry.SerializeAsString()));
  google::rpc::QuotaFailure quota;
  auto* v = quota.add_violations();
  v->set_subject(subject);
  v->set_description(message);
  s.SetPayload(TypeUrl<google::rpc::QuotaFailure>(),
               absl::Cord(quota.SerializeAsString()));
  return s;
}

std::string StatusDetailsOf(const absl::Status& status) {
  google::rpc::Status rich;
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& value) {
        if (!absl::StartsWith(type_url, kTypePrefix)) return;
        auto* any = rich.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(value));
      });
  if (rich.details().empty()) return "";
  rich.set_code(static_cast<int32_t>(status.code()));
  rich.set_message(std::string(status.message()));
  return rich.SerializeAsString();
}

std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : rich.details()) {
    google::rpc::RetryInfo retry;
    if (any.type_url() == TypeUrl<google::rpc::RetryInfo>() &&
        retry.ParseFromString(any.value())) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return std::nullopt;
}

}  // namespace lov
