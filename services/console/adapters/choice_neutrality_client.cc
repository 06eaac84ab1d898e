#include "lov/console/adapters/choice_neutrality_client.h"

#include "lov/console/adapters/neutrality_gauges.h"

namespace lov::console {

PanelSettings ReadNeutralitySettings(Config& config) {
  return ReadPanelSettings(config, "choice-target", "127.0.0.1:50052",
                           "neutrality-every-seconds");
}

ChoiceNeutralityClient::ChoiceNeutralityClient(const std::string& target,
                                               const ClientTls& tls)
    : stub_(choice::v1::ChoiceService::NewStub(OpenChannel(target, tls))) {}

absl::StatusOr<choice::v1::GetNeutralityReportResponse>
ChoiceNeutralityClient::Report(
    const choice::v1::GetNeutralityReportRequest& request) {
  return CallPanelService(
      *stub_, &choice::v1::ChoiceService::Stub::GetNeutralityReport, request);
}

absl::Status WatchNeutrality(ServiceContext& ctx, ConsoleApp* app,
                             const PanelSettings& settings) {
  absl::StatusOr<ClientTls> tls = PanelClientTls(
      settings.tls, ctx.settings().tls.insecure_plaintext, "choice");
  if (!tls.ok()) return tls.status();
  auto* choice = ctx.Make<ChoiceNeutralityClient>(settings.target, *tls);
  const absl::Duration every = settings.every;
  AddNeutralityGauges(app, &metrics::Registry::Default());
  ctx.OnServing([=] { app->StartNeutralityChecks(choice, every); });
  return absl::OkStatus();
}

}  // namespace lov::console
