// The registry service: wiring only.
#include <cstdlib>
#include <iostream>

#include "adapters/kafka_registry_publisher.h"
#include "adapters/redis_registry_store.h"
#include "api/registry_grpc.h"
#include "app/registry_app.h"
#include "lov/platform/config.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/projection.h"
#include "lov/platform/service_host.h"
#include "lov/platform/topics.h"

namespace {

int Fail(const absl::Status& status) {
  return lov::FailStartup("registry", status);
}

}  // namespace

int main(int argc, char** argv) {
  lov::BlockTerminationSignals();
  lov::Config config(argc, argv);
  lov::CommonSettings common =
      lov::ReadCommonSettings(config, "registry", 50051, 9101);
  const int workers = static_cast<int>(config.Int("workers", 8, 1, 256));
  if (absl::Status s = config.Validate(); !s.ok()) return Fail(s);

  auto redis = common.ConnectRedis();
  if (!redis.ok()) return Fail(redis.status());
  auto producer = lov::EventProducer::Create(common.kafka());
  if (!producer.ok()) return Fail(producer.status());
  const std::string topic = common.Topic(lov::registry::kRegistryTopic);
  const std::string dlq = common.Topic(lov::topics::DeadLetter("registry"));
  if (absl::Status s = lov::EnsureTopics(
          common.kafka(), {{topic, common.topic_partitions,
                            common.topic_replication, lov::EventTopicConfig()},
                           {dlq, 1, common.topic_replication, {}}});
      !s.ok()) {
    return Fail(s);
  }

  lov::registry::RedisRegistryStore store(redis->get(),
                                          common.KeyPrefix("lov:registry"));
  lov::registry::KafkaRegistryPublisher publisher(producer->get(), topic);
  lov::SystemClock clock;
  lov::registry::RegistryApp app(&store, &publisher, &clock);
  lov::WorkerPool pool(workers);
  lov::registry::RegistryGrpc grpc_service(&app, &pool);

  lov::ServiceHost host(common);
  host.Register(&grpc_service, "lov.registry.v1.RegistryService");
  if (absl::Status s = host.Start(); !s.ok()) return Fail(s);

  // Not serving until the state is rebuilt (if it was wiped) and the
  // consumer group has joined.
  auto projection = lov::Projection::Start(
      common,
      {.name = "state",
       .topics = {topic},
       .dead_letter_topic = dlq,
       .ready_key = store.ReadyKey()},
      redis->get(), producer->get(), [&store](const lov::CloudEvent& ce) {
        lov::registry::v1::RegistryEvent event;
        if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) return s;
        return store.Apply(event);
      });
  if (!projection.ok()) return Fail(projection.status());
  host.SetServing(true);
  lov::log::Info("registry serving", {{"grpc_port", host.grpc_port()}});

  host.OnShutdown([&] { (*projection)->Stop(); });
  host.OnShutdown([&] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) lov::log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}
