// The choice service's neutrality audit for the dashboard's panel, asked
// over gRPC with the console's own identity (panel_client.h).
#ifndef LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_
#define LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_

#include <memory>
#include <string>

#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/console/adapters/panel_client.h"
#include "lov/console/app/console_app.h"
#include "lov/console/ports.h"
#include "lov/platform/service_main.h"

namespace lov::console {

// --choice-target / LOV_CHOICE_TARGET (host:port of choice's gRPC port,
// default 127.0.0.1:50052); --neutrality-every-seconds (60): how often the
// panel asks; the console's client certificate (ReadPanelSettings).
PanelSettings ReadNeutralitySettings(Config& config);

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
                             const PanelSettings& settings);

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_CHOICE_NEUTRALITY_CLIENT_H_
