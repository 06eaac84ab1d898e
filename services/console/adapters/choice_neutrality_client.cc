#include "lov/console/adapters/choice_neutrality_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "lov/console/adapters/neutrality_gauges.h"

namespace lov::console {

NeutralitySettings ReadNeutralitySettings(Config& config) {
  NeutralitySettings s;
  s.choice_target = config.HostPort("choice-target", s.choice_target);
  s.tls.ca_file = config.String("tls-ca", "");
  s.tls.cert_file = config.String("tls-client-cert", "");
  s.tls.key_file = config.String("tls-client-key", "");
  s.every = absl::Seconds(config.Int("neutrality-every-seconds", 60, 1, 3600));
  return s;
}

ChoiceNeutralityClient::ChoiceNeutralityClient(const std::string& target,
                                               const ClientTls& tls)
    : stub_(choice::v1::ChoiceService::NewStub(OpenChannel(target, tls))) {}

absl::StatusOr<choice::v1::GetNeutralityReportResponse>
ChoiceNeutralityClient::Report(
    const choice::v1::GetNeutralityReportRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  choice::v1::GetNeutralityReportResponse response;
  const grpc::Status s =
      stub_->GetNeutralityReport(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        s.error_message());
  }
  return response;
}

absl::Status WatchNeutrality(ServiceContext& ctx, ConsoleApp* app,
                             NeutralitySettings settings) {
  if (ctx.settings().tls.insecure_plaintext) {
    settings.tls = ClientTls{.plaintext = true};
  }
  if (absl::Status valid = settings.tls.Validate(); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the console's client TLS for the choice service (--tls-ca, "
        "--tls-client-cert, --tls-client-key): ",
        valid.message()));
  }
  auto* choice =
      ctx.Make<ChoiceNeutralityClient>(settings.choice_target, settings.tls);
  const absl::Duration every = settings.every;
  AddNeutralityGauges(app, &metrics::Registry::Default());
  ctx.OnServing([=] { app->StartNeutralityChecks(choice, every); });
  return absl::OkStatus();
}

}  // namespace lov::console
