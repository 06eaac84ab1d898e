// The choice service: names its parts; lov::ServiceMain does the wiring.
#include "lov/choice/adapters/choice_projections.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/api/choice_grpc.h"
#include "lov/choice/app/daily_runner.h"
#include "lov/platform/secret_key.h"
#include "lov/platform/service_main.h"

namespace lov::choice {

std::string pnr_key;
bool run_due_allocations = true;

void Flags(Config& c) {
  pnr_key = ReadSecretKey(c, PersonnummerKey::kFlag,
                          PersonnummerKey::kDevelopmentKey);
  run_due_allocations = c.Bool("run-due-allocations", true);
}

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kChoiceEvents);
  const std::string registry = ctx.Topic(topics::kRegistryEvents);
  auto* store = ctx.Make<RedisChoiceStore>(ctx.redis(), ctx.KeyPrefix());
  auto* publisher = ctx.Make<KafkaChoicePublisher>(ctx.producer(), topic);
  auto* app = ctx.Make<ChoiceApp>(store, publisher, ctx.clock(),
                                  PersonnummerKey(pnr_key));
  ctx.Serve(ctx.Make<ChoiceGrpc>(app, ctx.pool()),
            "lov.choice.v1.ChoiceService");
  const std::string ready = store->ReadyKey();
  ctx.Project("state", {registry, topic}, ready, StateProjection(store));
  ctx.Project("reactions", {registry}, ready, RegistryReactions(app));
  if (run_due_allocations) {
    auto* daily = ctx.Make<DailyRunner>(ctx.clock(), DueAllocations(app));
    ctx.OnServing([daily] { daily->Start(); });
    ctx.OnShutdown([daily] { daily->Stop(); });
  }
  return absl::OkStatus();
}

}  // namespace lov::choice

int main(int argc, char** argv) {
  return lov::ServiceMain(
      argc, argv,
      {.name = "choice",
       .grpc_port = 50052,
       .metrics_port = 9102,
       .topics = {lov::topics::kChoiceEvents, lov::topics::kRegistryEvents},
       .flags = lov::choice::Flags,
       .wire = lov::choice::Wire});
}
