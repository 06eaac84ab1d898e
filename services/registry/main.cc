// The registry service: names its parts; lov::ServiceMain does the wiring.
#include "lov/platform/secret_key.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"
#include "lov/registry/adapters/kafka_registry_publisher.h"
#include "lov/registry/adapters/redis_registry_store.h"
#include "lov/registry/adapters/state_projection.h"
#include "lov/registry/api/registry_grpc.h"
#include "lov/registry/app/registry_app.h"

namespace lov::registry {
namespace {

std::string provider_id_key;

void Flags(Config& c) {
  provider_id_key = ReadSecretKey(c, RegistryApp::kProviderIdKeyFlag,
                                  RegistryApp::kDevelopmentProviderIdKey);
}

absl::Status Wire(ServiceContext& ctx) {
  const std::string topic = ctx.Topic(topics::kRegistryEvents);
  auto* store = ctx.Make<RedisRegistryStore>(ctx.redis(), ctx.KeyPrefix());
  auto* publisher = ctx.Make<KafkaRegistryPublisher>(ctx.producer(), topic);
  auto* app =
      ctx.Make<RegistryApp>(store, publisher, ctx.clock(), provider_id_key);
  ctx.Serve(ctx.Make<RegistryGrpc>(app, ctx.pool()),
            "lov.registry.v1.RegistryService");
  ctx.Project("state", {topic}, store->ReadyKey(), StateProjection(store),
              StateBatchProjection(ctx.redis(), store->prefix()));
  return absl::OkStatus();
}

}  // namespace
}  // namespace lov::registry

int main(int argc, char** argv) {
  return lov::ServiceMain(argc, argv,
                          {.name = "registry",
                           .grpc_port = 50051,
                           .metrics_port = 9101,
                           .topics = {lov::topics::kRegistryEvents},
                           .flags = lov::registry::Flags,
                           .wire = lov::registry::Wire});
}
