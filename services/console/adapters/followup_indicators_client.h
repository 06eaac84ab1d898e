// The follow-up service's indicators for the continuity panel's as-of rows,
// asked over gRPC with the console's own identity (panel_client.h).
#ifndef LOV_CONSOLE_ADAPTERS_FOLLOWUP_INDICATORS_CLIENT_H_
#define LOV_CONSOLE_ADAPTERS_FOLLOWUP_INDICATORS_CLIENT_H_

#include <memory>
#include <string>

#include "lov/console/adapters/panel_client.h"
#include "lov/console/app/console_app.h"
#include "lov/console/ports.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/service_main.h"

namespace lov::console {

// --followup-target / LOV_FOLLOWUP_TARGET (host:port of follow-up's gRPC
// port, default 127.0.0.1:50057); --indicators-every-seconds (60): how
// often the panel asks; the client certificate is the neutrality panel's
// (ReadPanelSettings).
PanelSettings ReadIndicatorsSettings(Config& config);

class FollowupIndicatorsClient : public IndicatorsSource {
 public:
  FollowupIndicatorsClient(const std::string& target, const ClientTls& tls);

  // One ListIndicators, at most 10 s.
  absl::StatusOr<followup::v1::ListIndicatorsResponse> List(
      const followup::v1::ListIndicatorsRequest& request) override;

 private:
  std::unique_ptr<followup::v1::FollowupService::Stub> stub_;
};

// Refreshes `app`'s continuity as-of rows every `settings.every` while the
// console serves, with the same TLS rules as WatchNeutrality.
absl::Status WatchIndicatorsAsOf(ServiceContext& ctx, ConsoleApp* app,
                                 const PanelSettings& settings);

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_FOLLOWUP_INDICATORS_CLIENT_H_
