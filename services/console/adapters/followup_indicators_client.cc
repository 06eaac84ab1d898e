#include "lov/console/adapters/followup_indicators_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace lov::console {

IndicatorsSettings ReadIndicatorsSettings(Config& config) {
  IndicatorsSettings s;
  s.followup_target = config.HostPort("followup-target", s.followup_target);
  s.every = absl::Seconds(config.Int("indicators-every-seconds", 60, 1, 3600));
  return s;
}

FollowupIndicatorsClient::FollowupIndicatorsClient(const std::string& target,
                                                   const ClientTls& tls)
    : stub_(followup::v1::FollowupService::NewStub(OpenChannel(target, tls))) {}

absl::StatusOr<followup::v1::ListIndicatorsResponse>
FollowupIndicatorsClient::List(
    const followup::v1::ListIndicatorsRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  followup::v1::ListIndicatorsResponse response;
  const grpc::Status s = stub_->ListIndicators(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        s.error_message());
  }
  return response;
}

absl::Status WatchIndicatorsAsOf(ServiceContext& ctx, ConsoleApp* app,
                                 IndicatorsSettings settings) {
  if (ctx.settings().tls.insecure_plaintext) {
    settings.tls = ClientTls{.plaintext = true};
  }
  if (absl::Status valid = settings.tls.Validate(); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the console's client TLS for the follow-up service (--tls-ca, "
        "--tls-client-cert, --tls-client-key): ",
        valid.message()));
  }
  auto* followup = ctx.Make<FollowupIndicatorsClient>(settings.followup_target,
                                                      settings.tls);
  const absl::Duration every = settings.every;
  ctx.OnServing([=] { app->StartIndicatorsChecks(followup, every); });
  return absl::OkStatus();
}

}  // namespace lov::console
