// The visits service: wiring only.
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "lov/visits/adapters/kafka_visit_publisher.h"
#include "lov/visits/adapters/redis_visit_store.h"
#include "lov/visits/api/visits_grpc.h"
#include "lov/visits/app/visits_app.h"
#include "lov/platform/config.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/projection.h"
#include "lov/platform/service_host.h"
#include "lov/platform/topics.h"

namespace {

int Fail(const absl::Status& status) {
  return lov::FailStartup("visits", status);
}

constexpr const char* kChoiceTopic = lov::topics::kChoiceEvents;
constexpr const char* kRegistryTopic = lov::topics::kRegistryEvents;
constexpr const char* kSettlementTopic = lov::topics::kSettlementEvents;

}  // namespace

int main(int argc, char** argv) {
  lov::BlockTerminationSignals();
  lov::Config config(argc, argv);
  lov::CommonSettings common =
      lov::ReadCommonSettings(config, "visits", 50053, 9103);
  const int workers = static_cast<int>(config.Int("workers", 8, 1, 256));
  const int batch_size =
      static_cast<int>(config.Int("upload-batch-size", 500, 1, 10000));
  lov::visits::Limits limits;
  limits.max_length =
      absl::Minutes(config.Int("max-visit-minutes", 12 * 60, 1, 48 * 60));
  limits.far_over_granted_factor =
      static_cast<double>(
          config.Int("far-over-granted-percent", 150, 100, 10000)) /
      100.0;
  if (absl::Status s = config.Validate(); !s.ok()) return Fail(s);

  auto redis = common.ConnectRedis();
  if (!redis.ok()) return Fail(redis.status());
  auto producer = lov::EventProducer::Create(common.kafka());
  if (!producer.ok()) return Fail(producer.status());
  const std::string topic = common.Topic(lov::visits::kVisitsTopic);
  const std::string dlq = common.Topic(lov::visits::kVisitsDeadLetterTopic);
  const std::string choice = common.Topic(kChoiceTopic);
  const std::string registry = common.Topic(kRegistryTopic);
  const std::string settlement = common.Topic(kSettlementTopic);
  // The upstream topics too, so the service can start before its upstreams
  // (existing topics are left alone).
  std::vector<lov::TopicSpec> topics = {{dlq, 1, common.topic_replication, {}}};
  for (const std::string& t : {topic, choice, registry, settlement}) {
    topics.push_back({t, common.topic_partitions, common.topic_replication,
                      lov::EventTopicConfig()});
  }
  if (absl::Status s = lov::EnsureTopics(common.kafka(), topics); !s.ok()) {
    return Fail(s);
  }
  auto topic_end = lov::visits::KafkaTopicEnd::Create(common.kafka(), topic);
  if (!topic_end.ok()) return Fail(topic_end.status());

  lov::visits::RedisVisitStore store(redis->get(),
                                     common.KeyPrefix("lov:visits"));
  lov::visits::KafkaVisitPublisher publisher(producer->get(), topic);
  lov::SystemClock clock;
  lov::visits::VisitsApp app(&store, &publisher, topic_end->get(), &clock,
                             limits, lov::NewUuid());
  if (absl::Status s = app.Heartbeat(); !s.ok()) return Fail(s);
  lov::WorkerPool pool(workers);
  lov::visits::VisitsGrpc grpc_service(&app, &pool, batch_size);

  lov::ServiceHost host(common);
  host.Register(&grpc_service, "lov.visits.v1.VisitsService");
  if (absl::Status s = host.Start(); !s.ok()) return Fail(s);

  std::atomic<bool> stop{false};
  // Heartbeat (reservations of a live instance are never taken over) and a
  // sweep for reservations of dead ones.
  std::thread keeper([&] {
    int tick = 0;
    while (!stop.load()) {
      if (absl::Status s = app.Heartbeat(); !s.ok()) {
        lov::log::Warn("heartbeat failed", {{"error", s}});
      }
      if (++tick % 10 == 0) {
        if (absl::Status s = app.SweepOrphans(); !s.ok()) {
          lov::log::Warn("orphan sweep failed", {{"error", s}});
        }
      }
      for (int i = 0; i < 10 && !stop.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });

  auto projection = lov::Projection::Start(
      common,
      {.name = "state",
       .topics = {topic, choice, registry, settlement},
       .dead_letter_topic = dlq,
       .ready_key = store.ReadyKey()},
      redis->get(), producer->get(), [&](const lov::CloudEvent& ce) {
        if (ce.topic == topic) {
          lov::visits::v1::VisitEvent event;
          if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) {
            return s;
          }
          return store.ApplyOwn({{&event, ce.partition, ce.offset}});
        }
        if (ce.topic == choice) {
          lov::choice::v1::ChoiceEvent event;
          if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) {
            return s;
          }
          return store.ApplyChoice(event);
        }
        if (ce.topic == registry) {
          lov::registry::v1::RegistryEvent event;
          if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) {
            return s;
          }
          return store.ApplyRegistry(event);
        }
        lov::settlement::v1::SettlementEvent event;
        if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) return s;
        return store.ApplySettlement(event);
      });
  if (!projection.ok()) return Fail(projection.status());
  host.SetServing(true);
  lov::log::Info("visits serving", {{"grpc_port", host.grpc_port()},
                                    {"instance", app.instance_id()}});

  host.OnShutdown([&] {
    stop = true;
    if (keeper.joinable()) keeper.join();
  });
  host.OnShutdown([&] { (*projection)->Stop(); });
  host.OnShutdown([&] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) lov::log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}
