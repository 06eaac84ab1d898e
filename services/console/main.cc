// The operations console: a read model of every service's events, served as
// the dashboard. Names its parts; lov::ServiceMain does the wiring.
#include "lov/console/adapters/kafka_group_lag.h"
#include "lov/console/adapters/live_pipeline_probe.h"
#include "lov/console/adapters/read_model_feed.h"
#include "lov/console/api/dashboard_server.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"

namespace lov::console {
namespace {

struct Options {
  DashboardSettings dashboard;
  LivePipelineProbe::MetricsWatch watch;  // whose /metrics, and how
  absl::Duration health_interval;
} options;

void Flags(Config& c) {
  options.dashboard = ReadDashboardSettings(c);
  options.watch = LivePipelineProbe::ReadMetricsWatch(c);
  options.health_interval =
      absl::Seconds(c.Int("health-interval-seconds", 5, 1, 3600));
}

absl::Status Wire(ServiceContext& ctx) {
  const CommonSettings& s = ctx.settings();
  auto* app = ctx.Make<ConsoleApp>(ctx.clock());
  absl::StatusOr<GroupLagReader*> lags = WatchGroupLag(ctx, app);
  if (!lags.ok()) return lags.status();
  auto* probe = ctx.Make<LivePipelineProbe>(options.watch.services, s.kafka(),
                                            s.redis_addr, s.redis_auth, *lags);
  probe->ReadMetrics(options.watch, s.tls.client_ca_file);
  AddZoneChoiceGauges(app);
  absl::Status served = ServeDashboard(ctx, app, options.dashboard);
  if (!served.ok()) return served;
  FeedReadModel(ctx, app);
  ctx.OnServing(
      [=] { app->StartHealthChecks(probe, options.health_interval); });
  ctx.OnShutdown([=] { app->Stop(); });
  return absl::OkStatus();
}

}  // namespace
}  // namespace lov::console

int main(int argc, char** argv) {
  using namespace lov::topics;
  return lov::ServiceMain(
      argc, argv,
      {.name = "console",
       .grpc_port = 50055,
       .metrics_port = 9105,
       .topics = {kRegistryEvents, kChoiceEvents, kVisitsEvents,
                  kVisitsRejected, kSettlementEvents, kFollowupEvents},
       .uses_redis = false,
       .flags = lov::console::Flags,
       .wire = lov::console::Wire});
}
