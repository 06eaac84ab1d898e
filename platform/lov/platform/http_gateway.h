#ifndef LOV_PLATFORM_HTTP_GATEWAY_H_
#define LOV_PLATFORM_HTTP_GATEWAY_H_

// HTTP/JSON for systems that do not speak gRPC (docs/http.md): a listener
// of its own (--http-port, the gRPC port's TLS certificate and client CA)
// whose requests are transcoded by the google.api.http rules of the
// registered services (http_transcoding.h) and called through the gRPC
// server's in-process channel. So every call passes the same interceptors,
// call guard, roles, input limits, message size limits and quotas as over
// gRPC: the bearer token goes on as the authorization metadata, a verified
// client certificate as kGatewayCertificateKey (gateway_identity.h).

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/http_server.h"
#include "lov/platform/http_transcoding.h"

namespace lov::http {

struct GatewayOptions {
  std::string listen_address = "0.0.0.0";
  int port = 0;  // 0: a free port
  // Both empty: plain HTTP (development, --insecure-plaintext).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;  // "": no client certificates
  size_t max_body_bytes = 4 << 20;
  absl::Duration call_deadline = absl::Seconds(30);
  int threads = 8;
};

class Gateway {
 public:
  // Serves the google.api.http rules of the services named (full names,
  // "lov.visits.v1.VisitsService") through `channel`.
  Gateway(std::shared_ptr<grpc::ChannelInterface> channel,
          std::vector<Route> routes);
  // The routes of `services`; an error names a rule that is not served.
  static absl::StatusOr<std::vector<Route>> RoutesOfServices(
      const std::vector<std::string>& services);

  absl::Status Start(const GatewayOptions& options);
  void Stop();
  int port() const { return server_.port(); }

  // One request, answered (the listener's handler; tests call it).
  Response Handle(const Request& request);

 private:
  std::shared_ptr<grpc::ChannelInterface> channel_;
  std::vector<Route> routes_;
  absl::Duration call_deadline_ = absl::Seconds(30);
  Server server_;
};

// The gateway of `server` for `services`, started: its channel is the
// server's in-process one (answers up to `max_answer_bytes`, the server's
// send limit); null when none of them has an HTTP binding (the port is
// then left to the service: the console's dashboard). An error names a
// rule that is not served or the port.
absl::StatusOr<std::unique_ptr<Gateway>> StartGateway(
    grpc::Server& server, const std::vector<std::string>& services,
    const GatewayOptions& options, int64_t max_answer_bytes);

}  // namespace lov::http

#endif  // LOV_PLATFORM_HTTP_GATEWAY_H_
