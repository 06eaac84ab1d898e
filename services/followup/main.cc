// The follow-up service: names its parts; lov::ServiceMain does the wiring.
#include "lov/followup/adapters/indicator_publishing.h"
#include "lov/followup/adapters/kafka_followup_publisher.h"
#include "lov/followup/adapters/overdue_gauges.h"
#include "lov/followup/adapters/redis_followup_store.h"
#include "lov/followup/adapters/state_projection.h"
#include "lov/followup/api/followup_grpc.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"

namespace lov::followup {
namespace {

int64_t indicators_every = kIndicatorsEverySeconds;
void Flags(Config& c) {
  indicators_every =
      c.Int("indicators-every-seconds", indicators_every, 1, 24 * 3600);
}

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kFollowupEvents);
  const std::string visits = ctx.Topic(topics::kVisitsEvents);
  const std::string choice = ctx.Topic(topics::kChoiceEvents);
  const std::string registry = ctx.Topic(topics::kRegistryEvents);
  auto* store = ctx.Make<RedisFollowupStore>(ctx.redis(), ctx.KeyPrefix());
  auto* publisher = ctx.Make<KafkaFollowupPublisher>(ctx.producer(), topic);
  auto* app =
      ctx.Make<FollowupApp>(store, store, publisher, ctx.clock(), store, store);
  ctx.Serve(ctx.Make<FollowupGrpc>(app, ctx.pool()),
            "lov.followup.v1.FollowupService");
  ctx.Project("state", {topic, visits, choice, registry}, store->ReadyKey(),
              StateProjection(app, store, {visits, choice, registry}),
              StateBatchProjection(ctx.redis(), store->prefix(), publisher,
                                   ctx.clock(), {visits, choice, registry}));
  ctx.RunWhileServing(ctx.Make<OverdueGauges>(app));
  ctx.RunWhileServing(
      ctx.Make<IndicatorPublishing>(app, absl::Seconds(indicators_every)));
  return absl::OkStatus();
}

}  // namespace
}  // namespace lov::followup

int main(int argc, char** argv) {
  using namespace lov::topics;
  return lov::ServiceMain(argc, argv,
                          {.name = "followup",
                           .grpc_port = 50057,
                           .metrics_port = 9107,
                           .topics = {kFollowupEvents, kVisitsEvents,
                                      kChoiceEvents, kRegistryEvents},
                           .flags = lov::followup::Flags,
                           .wire = lov::followup::Wire});
}
