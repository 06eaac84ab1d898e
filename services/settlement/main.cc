// The settlement service: wiring only.
#include <cstdlib>
#include <iostream>

#include "lov/settlement/adapters/kafka_settlement_publisher.h"
#include "lov/settlement/adapters/redis_settlement_store.h"
#include "lov/settlement/api/settlement_grpc.h"
#include "lov/settlement/app/projector.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/platform/config.h"
#include "lov/platform/log.h"
#include "lov/platform/projection.h"
#include "lov/platform/service_host.h"

namespace {

int Fail(const absl::Status& status) {
  return lov::FailStartup("settlement", status);
}

}  // namespace

int main(int argc, char** argv) {
  lov::BlockTerminationSignals();
  lov::Config config(argc, argv);
  lov::CommonSettings common =
      lov::ReadCommonSettings(config, "settlement", 50054, 9104);
  const int workers = static_cast<int>(config.Int("workers", 8, 1, 256));
  // Source text per StatementSourcesRecorded event of an approval.
  const size_t sources_part_bytes = static_cast<size_t>(
      config.Int("statement-sources-part-bytes",
                 lov::settlement::kSourcesPartBytes, 64, 8 * 1024 * 1024));
  if (absl::Status s = config.Validate(); !s.ok()) return Fail(s);

  auto redis = common.ConnectRedis();
  if (!redis.ok()) return Fail(redis.status());
  auto producer = lov::EventProducer::Create(common.kafka());
  if (!producer.ok()) return Fail(producer.status());
  const std::string topic = common.Topic(lov::settlement::kSettlementTopic);
  const std::string dlq = common.Topic(lov::settlement::kSettlementDlq);
  std::vector<lov::TopicSpec> topics = {
      {topic, common.topic_partitions, common.topic_replication,
       lov::EventTopicConfig()},
      {dlq, 1, common.topic_replication, {}}};
  // Upstream topics are created here too if their services have not run
  // yet, so that the consumer group can join them.
  for (const char* upstream :
       {lov::settlement::kRegistryTopic, lov::settlement::kChoiceTopic,
        lov::settlement::kVisitsTopic}) {
    topics.push_back({common.Topic(upstream), common.topic_partitions,
                      common.topic_replication, lov::EventTopicConfig()});
  }
  if (absl::Status s = lov::EnsureTopics(common.kafka(), topics); !s.ok()) {
    return Fail(s);
  }

  lov::settlement::RedisSettlementStore store(
      redis->get(), common.KeyPrefix("lov:settlement"));
  lov::settlement::KafkaSettlementPublisher publisher(producer->get(), topic);
  lov::SystemClock clock;
  lov::settlement::SettlementApp app(&store, &publisher, &clock,
                                     sources_part_bytes);
  lov::settlement::Projector projector(&store);
  lov::WorkerPool pool(workers);
  lov::settlement::SettlementGrpc grpc_service(&app, &pool);

  lov::ServiceHost host(common);
  host.Register(&grpc_service, "lov.settlement.v1.SettlementService");
  if (absl::Status s = host.Start(); !s.ok()) return Fail(s);

  // Not serving until the inputs are rebuilt (if they were wiped) and the
  // consumer group has joined.
  auto projection = lov::Projection::Start(
      common,
      {.name = "state",
       .topics = {common.Topic(lov::settlement::kRegistryTopic),
                  common.Topic(lov::settlement::kChoiceTopic),
                  common.Topic(lov::settlement::kVisitsTopic), topic},
       .dead_letter_topic = dlq,
       .ready_key = store.ReadyKey()},
      redis->get(), producer->get(),
      [&projector](const lov::CloudEvent& ce) { return projector.Apply(ce); });
  if (!projection.ok()) return Fail(projection.status());
  host.SetServing(true);
  lov::log::Info("settlement serving", {{"grpc_port", host.grpc_port()}});

  host.OnShutdown([&] { (*projection)->Stop(); });
  host.OnShutdown([&] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) lov::log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}
