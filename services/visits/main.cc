// The visits service: names its parts; lov::ServiceMain does the wiring.
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"
#include "lov/visits/adapters/kafka_visit_publisher.h"
#include "lov/visits/adapters/rejected_topic.h"
#include "lov/visits/api/visits_grpc.h"
#include "lov/visits/app/reservation_keeper.h"

namespace lov::visits {
namespace {
VisitsSettings settings;
UploadLimits upload_limits;
void Flags(Config& c) {
  settings = VisitsSettings::Read(c);
  upload_limits = UploadLimits::Read(c);
}
absl::Status Wire(ServiceContext& ctx) {
  const StateTopics topics = StateTopics::In(ctx.settings());
  auto ends =
      OpenOwnTopics(ctx.settings(), topics, settings.rejected_retention);
  if (!ends.ok()) return ends.status();
  auto* store = ctx.Make<RedisVisitStore>(
      ctx.redis(), ctx.KeyPrefix(), topics.own, settings.rejected_retention,
      settings.rejected_per_provider, topics.rejected, settings.replay_plain);
  auto* app = ctx.Make<VisitsApp>(
      store,
      ctx.Make<KafkaVisitPublisher>(ctx.producer(), topics.own,
                                    topics.rejected),
      ctx.Keep(std::move(ends->events)), ctx.Keep(std::move(ends->rejected)),
      ctx.clock(), settings.limits, NewUuid());
  log::Info("visits instance", {{"instance", app->instance_id()}});
  if (absl::Status s = app->Heartbeat(); !s.ok()) return s;  // alive first
  auto* quota = ctx.Make<UploadQuota>(upload_limits, ctx.clock());
  ctx.Serve(
      ctx.Make<VisitsGrpc>(app, ctx.pool(), settings.upload_batch_size, quota),
      "lov.visits.v1.VisitsService");
  auto* keeper = ctx.Make<ReservationKeeper>(app);
  ctx.RunWhileServing(keeper);
  ctx.Project("state", topics.All(), store->ReadyKey(),
              ApplyToState(store, topics), ApplyBatchToState(store, topics),
              /*dedupe=*/false);  // idempotent by each visit's version
  return absl::OkStatus();
}
}  // namespace
}  // namespace lov::visits

int main(int argc, char** argv) {
  using namespace lov::topics;
  return lov::ServiceMain(argc, argv,
                          {.name = "visits",
                           .grpc_port = 50053,
                           .metrics_port = 9103,
                           .topics = {kVisitsEvents, kChoiceEvents,
                                      kRegistryEvents, kSettlementEvents},
                           .flags = lov::visits::Flags,
                           .wire = lov::visits::Wire});
}
