#include "lov/platform/grpc_server_metrics.h"

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lov/platform/metrics.h"

namespace lov::metrics {
namespace {

using grpc::experimental::ServerRpcInfo;

// The metrics of one RPC method; grpc_server_handled_total is looked up per
// status code when the RPC ends.
struct MethodMetrics {
  Labels labels;
  Counter* started = nullptr;
  Counter* received = nullptr;
  Counter* sent = nullptr;
  Histogram* handling = nullptr;

  Counter& Handled(grpc::StatusCode code) const {
    Labels with_code = labels;
    with_code["grpc_code"] = GrpcCodeName(code);
    return Registry::Default().GetCounter(
        "grpc_server_handled_total",
        "RPCs completed on the server, regardless of success or failure",
        with_code);
  }
};

const char* RpcTypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

MethodMetrics NewMethodMetrics(const ServerRpcInfo& info) {
  // info.method() is "/lov.visits.v1.VisitsService/Report".
  absl::string_view full = absl::StripPrefix(info.method(), "/");
  const size_t slash = full.rfind('/');
  const bool split = slash != absl::string_view::npos;
  MethodMetrics m;
  m.labels = {
      {"grpc_type", RpcTypeName(info.type())},
      {"grpc_service", std::string(split ? full.substr(0, slash) : "")},
      {"grpc_method", std::string(split ? full.substr(slash + 1) : full)}};
  auto& reg = Registry::Default();
  m.started = &reg.GetCounter("grpc_server_started_total",
                              "RPCs started on the server", m.labels);
  m.received =
      &reg.GetCounter("grpc_server_msg_received_total",
                      "RPC stream messages received on the server", m.labels);
  m.sent = &reg.GetCounter("grpc_server_msg_sent_total",
                           "gRPC stream messages sent by the server", m.labels);
  m.handling = &reg.GetHistogram(
      "grpc_server_handling_seconds",
      "Time from the start of an RPC to its status on the server, seconds",
      m.labels);
  return m;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(const MethodMetrics* m)
      : m_(m), start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) {
      m_->started->Inc();
    }
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      m_->received->Inc();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE)) {
      m_->sent->Inc();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      m_->Handled(methods->GetSendStatus().error_code()).Inc();
      m_->handling->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  const MethodMetrics* m_;
  absl::Time start_;
};

class MetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, added] = methods_.try_emplace(info->method());
    if (added) it->second = NewMethodMetrics(*info);
    return new MetricsInterceptor(&it->second);
  }

 private:
  std::mutex mu_;
  // Per method name; map nodes do not move, so the pointers stay valid.
  std::map<std::string, MethodMetrics> methods_;
};

}  // namespace

std::string GrpcCodeName(grpc::StatusCode code) {
  static const char* names[] = {"OK",
                                "Canceled",
                                "Unknown",
                                "InvalidArgument",
                                "DeadlineExceeded",
                                "NotFound",
                                "AlreadyExists",
                                "PermissionDenied",
                                "ResourceExhausted",
                                "FailedPrecondition",
                                "Aborted",
                                "OutOfRange",
                                "Unimplemented",
                                "Internal",
                                "Unavailable",
                                "DataLoss",
                                "Unauthenticated"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? names[i] : "Unknown";
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewGrpcServerMetricsFactory() {
  return std::make_unique<MetricsInterceptorFactory>();
}

}  // namespace lov::metrics
