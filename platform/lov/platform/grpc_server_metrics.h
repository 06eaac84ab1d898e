#ifndef LOV_PLATFORM_GRPC_SERVER_METRICS_H_
#define LOV_PLATFORM_GRPC_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

namespace lov::metrics {

// A server interceptor that counts and times every RPC in
// Registry::Default() under the names of the grpc-ecosystem providers
// (go-grpc-prometheus, go-grpc-middleware), which the usual gRPC dashboards
// and alerts read:
//   grpc_server_started_total        RPCs started
//   grpc_server_handled_total        RPCs finished, with grpc_code
//   grpc_server_handling_seconds     histogram, start to status
//   grpc_server_msg_received_total   request messages received
//   grpc_server_msg_sent_total       response messages sent
// labelled grpc_type ("unary", "client_stream", "server_stream",
// "bidi_stream"), grpc_service ("lov.visits.v1.VisitsService") and
// grpc_method ("Report"); grpc_code as grpc-go names the codes ("OK",
// "NotFound", "InvalidArgument", ...).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewGrpcServerMetricsFactory();

// grpc-go's name of a status code ("OK", "NotFound", ...).
std::string GrpcCodeName(grpc::StatusCode code);

}  // namespace lov::metrics

#endif  // LOV_PLATFORM_GRPC_SERVER_METRICS_H_
