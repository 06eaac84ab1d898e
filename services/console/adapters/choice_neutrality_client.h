// The choice service's neutrality audit for the dashboard's panel, asked
// over gRPC with the console's own identity: mutual TLS with its client
// certificate (service:console, role service), as one service calls
// another (docs/security.md).
#ifndef LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_
#define LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/console/app/console_app.h"
#include "lov/console/ports.h"
#include "lov/platform/config.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/service_main.h"

namespace lov::console {

// --choice-target / LOV_CHOICE_TARGET (host:port of choice's gRPC port,
// default 127.0.0.1:50052); the console's client certificate and the CA
// the server's must chain to: --tls-client-cert, --tls-client-key,
// --tls-ca (LOV_TLS_CLIENT_CERT, LOV_TLS_CLIENT_KEY, LOV_TLS_CA, as every
// LOV client has them); --neutrality-every-seconds (60): how often the
// panel asks.
struct NeutralitySettings {
  std::string choice_target = "127.0.0.1:50052";
  ClientTls tls;
  absl::Duration every = absl::Seconds(60);
};
NeutralitySettings ReadNeutralitySettings(Config& config);

class ChoiceNeutralityClient : public NeutralitySource {
 public:
  ChoiceNeutralityClient(const std::string& target, const ClientTls& tls);

  // One GetNeutralityReport, at most 10 s.
  absl::StatusOr<choice::v1::GetNeutralityReportResponse> Report(
      const choice::v1::GetNeutralityReportRequest& request) override;

 private:
  std::unique_ptr<choice::v1::ChoiceService::Stub> stub_;
};

// Refreshes `app`'s neutrality panel every `settings.every` while the
// console serves (plaintext when the service itself runs without TLS); an
// unreadable certificate or key ends start-up, naming the setting.
absl::Status WatchNeutrality(ServiceContext& ctx, ConsoleApp* app,
                             NeutralitySettings settings);

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_
