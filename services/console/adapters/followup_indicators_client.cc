#include "lov/console/adapters/followup_indicators_client.h"

namespace lov::console {

PanelSettings ReadIndicatorsSettings(Config& config) {
  return ReadPanelSettings(config, "followup-target", "127.0.0.1:50057",
                           "indicators-every-seconds");
}

FollowupIndicatorsClient::FollowupIndicatorsClient(const std::string& target,
                                                   const ClientTls& tls)
    : stub_(followup::v1::FollowupService::NewStub(OpenChannel(target, tls))) {}

absl::StatusOr<followup::v1::ListIndicatorsResponse>
FollowupIndicatorsClient::List(
    const followup::v1::ListIndicatorsRequest& request) {
  return CallPanelService(
      *stub_, &followup::v1::FollowupService::Stub::ListIndicators, request);
}

absl::Status WatchIndicatorsAsOf(ServiceContext& ctx, ConsoleApp* app,
                                 const PanelSettings& settings) {
  absl::StatusOr<ClientTls> tls = PanelClientTls(
      settings.tls, ctx.settings().tls.insecure_plaintext, "follow-up");
  if (!tls.ok()) return tls.status();
  auto* followup = ctx.Make<FollowupIndicatorsClient>(settings.target, *tls);
  const absl::Duration every = settings.every;
  ctx.OnServing([=] { app->StartIndicatorsChecks(followup, every); });
  return absl::OkStatus();
}

}  // namespace lov::console
