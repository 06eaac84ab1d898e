#include "lov/console/adapters/read_model_feed.h"

#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/topics.h"

namespace lov::console {

absl::StatusOr<std::unique_ptr<ReadModelFeed>> ReadModelFeed::Start(
    const KafkaSettings& kafka, std::string group_id,
    std::vector<std::string> topics, std::string dead_letter_topic,
    EventProducer* producer, ConsoleApp* app) {
  std::unique_ptr<ReadModelFeed> feed(new ReadModelFeed());
  auto apply = [app](const CloudEvent& ce) { return app->Apply(ce); };
  if (absl::Status s = ReplayTopics(kafka, topics, apply, &feed->replayed_);
      !s.ok()) {
    return s;
  }
  ConsumerSettings cs;
  cs.kafka = kafka;
  cs.group_id = std::move(group_id);
  cs.topics = std::move(topics);
  cs.dead_letter_topic = std::move(dead_letter_topic);
  absl::StatusOr<std::unique_ptr<EventConsumer>> consumer =
      EventConsumer::Create(cs, producer, /*dedupe=*/nullptr, apply);
  if (!consumer.ok()) return consumer.status();
  feed->consumer_ = std::move(*consumer);
  feed->live_->consumer = feed->consumer_.get();

  auto& registry = metrics::Registry::Default();
  metrics::Labels labels = {{"service", "console"}, {"group", cs.group_id}};
  auto* lag =
      &registry.GetGauge("lov_consumer_lag",
                         "Events not yet consumed, per consumer group", labels);
  auto* handled =
      &registry.GetCounter("lov_events_consumed_total",
                           "Events handled by the consumer group", labels);
  auto* dead =
      &registry.GetCounter("lov_events_dead_lettered_total",
                           "Events sent to the dead-letter topic", labels);
  registry.AddCollector([live = feed->live_, lag, handled, dead] {
    std::lock_guard<std::mutex> lock(live->mu);
    if (live->consumer == nullptr) return;
    lag->Set(static_cast<double>(live->consumer->Lag()));
    handled->SetTotal(static_cast<double>(live->consumer->handled()));
    dead->SetTotal(static_cast<double>(live->consumer->dead_lettered()));
  });
  feed->consumer_->Start();
  return feed;
}

ReadModelFeed::~ReadModelFeed() { Stop(); }

void ReadModelFeed::Stop() {
  {
    std::lock_guard<std::mutex> lock(live_->mu);
    live_->consumer = nullptr;
  }
  if (consumer_) consumer_->Stop();
}

void FeedReadModel(ServiceContext& ctx, ConsoleApp* app) {
  std::vector<std::string> names;
  for (const char* base :
       {topics::kRegistryEvents, topics::kChoiceEvents, topics::kVisitsEvents,
        topics::kVisitsRejected, topics::kSettlementEvents,
        topics::kFollowupEvents}) {
    names.push_back(ctx.Topic(base));
  }
  auto* feed = ctx.Make<std::unique_ptr<ReadModelFeed>>();
  ctx.WhenListening([&ctx, feed, app, names]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<ReadModelFeed>> started =
        ReadModelFeed::Start(ctx.settings().kafka(),
                             ctx.settings().Group("console"), names,
                             ctx.DeadLetterTopic(), ctx.producer(), app);
    if (!started.ok()) return started.status();
    *feed = std::move(*started);
    log::Info("read model replayed", {{"events", (*feed)->replayed()}});
    return absl::OkStatus();
  });
  ctx.OnShutdown([feed] {
    if (*feed) (*feed)->Stop();
  });
}

void AddZoneChoiceGauges(ConsoleApp* app) {
  auto& registry = metrics::Registry::Default();
  registry.AddCollector([app, &registry] {
    for (const ZoneChoice& z : app->ZoneChoices()) {
      metrics::Labels labels = {{"zone", z.zone_id},
                                {"category", z.category_id}};
      registry
          .GetGauge("lov_zone_selectable_providers",
                    "Providers a client can choose, per zone and category "
                    "(fewer than 2: no real choice)",
                    labels)
          .Set(z.selectable_providers);
      registry
          .GetGauge("lov_zone_no_real_choice",
                    "1 if the zone and category has no real choice", labels)
          .Set(z.no_real_choice ? 1 : 0);
    }
  });
}

}  // namespace lov::console
