// What the dashboard's panels that ask another LOV service over gRPC share
// (choice_neutrality_client.h, followup_indicators_client.h): where the
// service is, how often the panel asks, the console's own identity (mutual
// TLS with its client certificate, service:console, role service, as one
// service calls another: docs/security.md) and one call of at most 10 s.
#ifndef LOV_CONSOLE_ADAPTERS_PANEL_CLIENT_H_
#define LOV_CONSOLE_ADAPTERS_PANEL_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/config.h"
#include "lov/platform/grpc_channel.h"

namespace lov::console {

struct PanelSettings {
  std::string target;  // host:port of the service's gRPC port
  ClientTls tls;       // the console's client certificate
  absl::Duration every = absl::Seconds(60);  // how often the panel asks
};

// --<target_flag> (host:port, default `default_target`), --<every_flag>
// (seconds, default 60, 1 to 3600) and the console's client certificate and
// the CA the server's must chain to: --tls-client-cert, --tls-client-key,
// --tls-ca (LOV_..., as every LOV client has them).
PanelSettings ReadPanelSettings(Config& config, const std::string& target_flag,
                                const std::string& default_target,
                                const std::string& every_flag);

// `tls` as the console dials `service` with it: plaintext when the console
// itself runs without TLS (`console_plaintext`); an unreadable certificate
// or key is InvalidArgument naming the settings and the service.
absl::StatusOr<ClientTls> PanelClientTls(ClientTls tls, bool console_plaintext,
                                         const std::string& service);

// One unary `method` of `stub` with `request`, at most 10 s; a gRPC error
// as the absl::Status of the same code and message.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallPanelService(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  Response response;
  const grpc::Status s = (stub.*method)(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        s.error_message());
  }
  return response;
}

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_PANEL_CLIENT_H_
