// The follow-up service: names its parts; lov::ServiceMain does the wiring.
#include "lov/followup/adapters/kafka_followup_publisher.h"
#include "lov/followup/adapters/overdue_gauges.h"
#include "lov/followup/adapters/redis_followup_store.h"
#include "lov/followup/api/followup_grpc.h"
#include "lov/followup/app/followup_app.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"

namespace lov::followup {
namespace {

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kFollowupEvents);
  const std::string visits = ctx.Topic(topics::kVisitsEvents);
  auto* store = ctx.Make<RedisFollowupStore>(ctx.redis(), ctx.KeyPrefix());
  auto* app = ctx.Make<FollowupApp>(
      store, store, ctx.Make<KafkaFollowupPublisher>(ctx.producer(), topic),
      ctx.clock());
  ctx.Serve(ctx.Make<FollowupGrpc>(app, ctx.pool()),
            "lov.followup.v1.FollowupService");
  ctx.Project("state", {topic, visits}, store->ReadyKey(),
              [store, app, visits](const CloudEvent& ce) {
                if (ce.topic == visits) return app->RecordVisit(ce);
                v1::FollowupEvent event;
                if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) {
                  return s;
                }
                return store->Apply(event);
              });
  ctx.RunWhileServing(ctx.Make<OverdueGauges>(app));
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
                           .topics = {kFollowupEvents, kVisitsEvents},
                           .wire = lov::followup::Wire});
}
