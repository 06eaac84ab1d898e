// The settlement service: names its parts; lov::ServiceMain does the wiring.
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"
#include "lov/settlement/adapters/kafka_own_events.h"
#include "lov/settlement/adapters/kafka_settlement_publisher.h"
#include "lov/settlement/adapters/redis_settlement_store.h"
#include "lov/settlement/api/settlement_grpc.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {
namespace {
size_t sources_part_bytes = kSourcesPartBytes;  // text per sources event
void Flags(Config& c) {
  sources_part_bytes = static_cast<size_t>(c.Int(
      "statement-sources-part-bytes", kSourcesPartBytes, 64, 8 * 1024 * 1024));
}

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kSettlementEvents);
  auto* store = ctx.Make<RedisSettlementStore>(ctx.redis(), ctx.KeyPrefix());
  auto* app = ctx.Make<SettlementApp>(
      store, ctx.Make<KafkaSettlementPublisher>(ctx.producer(), topic),
      ctx.Make<KafkaOwnEvents>(ctx.settings().kafka(), topic), ctx.clock(),
      sources_part_bytes);
  ctx.Serve(ctx.Make<SettlementGrpc>(app, ctx.pool()),
            "lov.settlement.v1.SettlementService");
  auto* projector = ctx.Make<Projector>(store, store);
  ctx.Project(
      "state",
      {ctx.Topic(topics::kRegistryEvents), ctx.Topic(topics::kChoiceEvents),
       ctx.Topic(topics::kVisitsEvents), topic},
      store->ReadyKey(),
      [projector](const CloudEvent& e) { return projector->Apply(e); },
      [projector](const std::vector<CloudEvent>& events) {
        return projector->ApplyBatch(events);
      });
  return absl::OkStatus();
}

}  // namespace
}  // namespace lov::settlement

int main(int argc, char** argv) {
  using namespace lov::topics;
  return lov::ServiceMain(argc, argv,
                          {.name = "settlement",
                           .grpc_port = 50054,
                           .metrics_port = 9104,
                           .topics = {kSettlementEvents, kRegistryEvents,
                                      kChoiceEvents, kVisitsEvents},
                           .flags = lov::settlement::Flags,
                           .wire = lov::settlement::Wire});
}
