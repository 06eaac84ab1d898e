// The choice service: wiring only.
#include <cstdlib>
#include <iostream>

#include "absl/strings/match.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/api/choice_grpc.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/daily_runner.h"
#include "lov/choice/app/personnummer_key.h"
#include "lov/platform/config.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/projection.h"
#include "lov/platform/service_host.h"
#include "lov/platform/text.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/events.pb.h"

namespace {

constexpr const char* kRegistryTopic = lov::topics::kRegistryEvents;
constexpr char kRegistryTypePrefix[] = "se.lov.registry.";

int Fail(const absl::Status& status) {
  return lov::FailStartup("choice", status);
}

}  // namespace

int main(int argc, char** argv) {
  lov::BlockTerminationSignals();
  lov::Config config(argc, argv);
  lov::CommonSettings common =
      lov::ReadCommonSettings(config, "choice", 50052, 9102);
  const int workers = static_cast<int>(config.Int("workers", 8, 1, 256));
  const std::string pnr_key = config.String(
      "pnr-hmac-key", lov::choice::PersonnummerKey::kDevelopmentKey);
  const bool run_due_allocations = config.Bool("run-due-allocations", true);
  if (absl::Status s = config.Validate(); !s.ok()) return Fail(s);
  if (pnr_key == lov::choice::PersonnummerKey::kDevelopmentKey) {
    lov::log::Warn(
        "using the development personnummer key; set "
        "LOV_PNR_HMAC_KEY in production");
  }

  auto redis = common.ConnectRedis();
  if (!redis.ok()) return Fail(redis.status());
  auto producer = lov::EventProducer::Create(common.kafka());
  if (!producer.ok()) return Fail(producer.status());
  const std::string topic = common.Topic(lov::choice::kChoiceTopic);
  const std::string dlq = common.Topic(lov::choice::kChoiceDeadLetterTopic);
  const std::string registry_topic = common.Topic(kRegistryTopic);
  if (absl::Status s = lov::EnsureTopics(
          common.kafka(), {{topic, common.topic_partitions,
                            common.topic_replication, lov::EventTopicConfig()},
                           {registry_topic, common.topic_partitions,
                            common.topic_replication, lov::EventTopicConfig()},
                           {dlq, 1, common.topic_replication, {}}});
      !s.ok()) {
    return Fail(s);
  }

  lov::choice::RedisChoiceStore store(redis->get(),
                                      common.KeyPrefix("lov:choice"));
  lov::choice::KafkaChoicePublisher publisher(producer->get(), topic);
  lov::SystemClock clock;
  lov::choice::ChoiceApp app(&store, &publisher, &clock,
                             lov::choice::PersonnummerKey(pnr_key));
  lov::WorkerPool pool(workers);
  lov::choice::ChoiceGrpc grpc_service(&app, &pool);

  lov::ServiceHost host(common);
  host.Register(&grpc_service, "lov.choice.v1.ChoiceService");
  if (absl::Status s = host.Start(); !s.ok()) return Fail(s);

  // The serving state: the registry's records and the choice events,
  // rebuilt from both topics (registry first) if it was wiped.
  auto state = lov::Projection::Start(
      common,
      {.name = "state",
       .topics = {registry_topic, topic},
       .dead_letter_topic = dlq,
       .ready_key = store.ReadyKey()},
      redis->get(), producer->get(), [&store](const lov::CloudEvent& ce) {
        if (absl::StartsWith(lov::AsAbsl(ce.type), kRegistryTypePrefix)) {
          lov::registry::v1::RegistryEvent event;
          if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) {
            return s;
          }
          return store.ApplyRegistry(event);
        }
        lov::choice::v1::ChoiceEvent event;
        if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) return s;
        return store.Apply(event);
      });
  if (!state.ok()) return Fail(state.status());
  // Reactions to the registry (notices, terminations, zone health): a
  // consumer group of its own that is never replayed, since what it did is
  // already in the choice topic.
  auto reactions = lov::Projection::Start(
      common,
      {.name = "reactions",
       .topics = {registry_topic},
       .dead_letter_topic = dlq,
       .ready_key = store.ReadyKey()},
      redis->get(), producer->get(), [&app](const lov::CloudEvent& ce) {
        lov::registry::v1::RegistryEvent event;
        if (absl::Status s = lov::FromCloudEvent(ce, &event); !s.ok()) return s;
        return app.OnRegistryEvent(event);
      });
  if (!reactions.ok()) return Fail(reactions.status());
  host.SetServing(true);
  lov::log::Info("choice serving", {{"grpc_port", host.grpc_port()}});

  std::unique_ptr<lov::choice::DailyRunner> daily;
  if (run_due_allocations) {
    daily = std::make_unique<lov::choice::DailyRunner>(&clock, [&app] {
      auto result = app.RunDueAllocations({});
      if (!result.ok()) {
        lov::log::Error("due allocations failed", {{"error", result.status()}});
        return;
      }
      lov::log::Info("due allocations run",
                     {{"allocated", result->allocated_size()},
                      {"failed", result->failed_size()}});
    });
  }

  host.OnShutdown([&] {
    if (daily) daily->Stop();
  });
  host.OnShutdown([&] { (*reactions)->Stop(); });
  host.OnShutdown([&] { (*state)->Stop(); });
  host.OnShutdown([&] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) lov::log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}
