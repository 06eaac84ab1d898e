// The choice service: names its parts; lov::ServiceMain does the wiring.
#include "lov/choice/adapters/choice_projections.h"
#include "lov/choice/adapters/key_encryption_key.h"
#include "lov/choice/adapters/reservation_sweep.h"
#include "lov/choice/api/choice_grpc.h"
#include "lov/choice/app/daily_runner.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/platform/secret_key.h"
#include "lov/platform/service_main.h"

namespace lov::choice {

std::string pnr_key;
absl::StatusOr<PersonnummerVault> vault = absl::UnknownError("not read");
bool run_due_allocations = true;

void Flags(Config& c) {
  pnr_key = ReadSecretKey(c, PersonnummerKey::kFlag,
                          PersonnummerKey::kDevelopmentKey);
  vault = PersonnummerVault::Create(ReadKeyEncryptionKey(c));
  run_due_allocations = c.Bool("run-due-allocations", true);
}

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kChoiceEvents);
  const std::string keys = ctx.Topic(kChoiceKeysTopic);
  if (absl::Status s = EnsureKeyTopic(ctx.settings(), keys); !s.ok()) return s;
  if (!vault.ok()) return vault.status();
  auto* store =
      ctx.Make<RedisChoiceStore>(ctx.redis(), ctx.KeyPrefix(), &*vault);
  auto* publisher = ctx.Make<KafkaChoicePublisher>(ctx.producer(), topic, keys);
  auto* app = ctx.Make<ChoiceApp>(store, publisher, ctx.clock(),
                                  PersonnummerKey(pnr_key), &*vault);
  ctx.Serve(ctx.Make<ChoiceGrpc>(app, ctx.pool(), store->neutrality()),
            "lov.choice.v1.ChoiceService");
  const std::string ready = store->ReadyKey();
  const std::string registry = ctx.Topic(topics::kRegistryEvents);
  ctx.Project("state", StateTopics(ctx.settings(), topic, keys), ready,
              StateProjection(store), StateBatchProjection(store, &*vault));
  ctx.Project("reactions", {registry}, ready, RegistryReactions(app));
  if (absl::Status s = SweepReservations(ctx, store, topic); !s.ok()) return s;
  auto* daily = ctx.Make<DailyRunner>(ctx.clock(), DueAllocations(app));
  if (run_due_allocations) ctx.RunWhileServing(daily);
  return absl::OkStatus();
}

}  // namespace lov::choice

int main(int argc, char** argv) {
  using namespace lov::topics;
  return lov::ServiceMain(
      argc, argv,
      {.name = "choice",
       .grpc_port = 50052,
       .metrics_port = 9102,
       .topics = {kChoiceEvents, kRegistryEvents, kFollowupEvents},
       .flags = lov::choice::Flags,
       .wire = lov::choice::Wire});
}
