// The operations console: reads every service's events into an in-memory
// read model and serves the dashboard. Wiring only.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>

#include "lov/console/adapters/live_pipeline_probe.h"
#include "lov/console/api/dashboard_http.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/config.h"
#include "lov/platform/http_server.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/service_host.h"
#include "lov/platform/topics.h"

namespace {

int Fail(const absl::Status& status) {
  return lov::FailStartup("console", status);
}

// Lets the metrics collector outlive the consumer safely.
struct LiveConsumer {
  std::mutex mu;
  lov::EventConsumer* consumer = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  lov::BlockTerminationSignals();
  lov::Config config(argc, argv);
  lov::CommonSettings common =
      lov::ReadCommonSettings(config, "console", 50055, 9105);
  const int http_port = config.Port("http-port", 8080);
  const std::vector<std::pair<std::string, std::string>> watched = {
      {"registry", config.HostPort("registry-metrics", "127.0.0.1:9101")},
      {"choice", config.HostPort("choice-metrics", "127.0.0.1:9102")},
      {"visits", config.HostPort("visits-metrics", "127.0.0.1:9103")},
      {"settlement", config.HostPort("settlement-metrics", "127.0.0.1:9104")}};
  const int health_interval =
      static_cast<int>(config.Int("health-interval-seconds", 5, 1, 3600));
  if (absl::Status s = config.Validate(); !s.ok()) return Fail(s);

  auto producer = lov::EventProducer::Create(common.kafka());
  if (!producer.ok()) return Fail(producer.status());
  std::vector<std::string> topics;
  std::vector<lov::TopicSpec> specs;
  for (const char* base :
       {lov::console::kRegistryEvents, lov::console::kChoiceEvents,
        lov::console::kVisitsEvents, lov::console::kSettlementEvents}) {
    topics.push_back(common.Topic(base));
    // Same settings as the owning service uses; an existing topic is left
    // alone. Creating a missing one lets the console start first.
    specs.push_back({topics.back(), common.topic_partitions,
                     common.topic_replication, lov::EventTopicConfig()});
  }
  const std::string dlq = common.Topic(lov::topics::DeadLetter("console"));
  specs.push_back({dlq, 1, common.topic_replication, {}});
  if (absl::Status s = lov::EnsureTopics(common.kafka(), specs); !s.ok()) {
    return Fail(s);
  }

  lov::SystemClock clock;
  lov::console::ConsoleApp app(&clock);
  lov::console::LivePipelineProbe probe(watched, common.kafka(),
                                        common.redis_addr, common.redis_auth);
  auto& registry = lov::metrics::Registry::Default();
  registry.AddCollector([&app, &registry] {
    for (const lov::console::ZoneChoice& z : app.ZoneChoices()) {
      lov::metrics::Labels labels = {{"zone", z.zone_id},
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

  lov::ServiceHost host(common);
  if (absl::Status s = host.Start(); !s.ok()) return Fail(s);
  lov::http::Server dashboard(lov::console::DashboardHandler(&app));
  if (absl::Status s = dashboard.Start(http_port, "--http-port"); !s.ok()) {
    return Fail(s);
  }

  // The read model is rebuilt from the beginning of every topic, then the
  // consumer group keeps it live (overlap is deduplicated on the event id).
  auto apply = [&app](const lov::CloudEvent& ce) { return app.Apply(ce); };
  int64_t replayed = 0;
  if (absl::Status s =
          lov::ReplayTopics(common.kafka(), topics, apply, &replayed);
      !s.ok()) {
    return Fail(s);
  }
  lov::ConsumerSettings cs;
  cs.kafka = common.kafka();
  cs.group_id = common.Group("console");
  cs.topics = topics;
  cs.dead_letter_topic = dlq;
  auto consumer = lov::EventConsumer::Create(cs, producer->get(),
                                             /*dedupe=*/nullptr, apply);
  if (!consumer.ok()) return Fail(consumer.status());
  auto live = std::make_shared<LiveConsumer>();
  live->consumer = consumer->get();
  {
    lov::metrics::Labels labels = {{"service", "console"},
                                   {"group", cs.group_id}};
    auto* lag = &registry.GetGauge(
        "lov_consumer_lag", "Events not yet consumed, per consumer group",
        labels);
    auto* handled =
        &registry.GetGauge("lov_events_consumed_total",
                           "Events handled by the consumer group", labels);
    auto* dead =
        &registry.GetGauge("lov_events_dead_lettered_total",
                           "Events sent to the dead-letter topic", labels);
    registry.AddCollector([live, lag, handled, dead] {
      std::lock_guard<std::mutex> lock(live->mu);
      if (live->consumer == nullptr) return;
      lag->Set(static_cast<double>(live->consumer->Lag()));
      handled->Set(static_cast<double>(live->consumer->handled()));
      dead->Set(static_cast<double>(live->consumer->dead_lettered()));
    });
  }
  (*consumer)->Start();
  app.StartHealthChecks(&probe, absl::Seconds(health_interval));
  host.SetServing(true);
  lov::log::Info(
      "console serving",
      {{"grpc_port", host.grpc_port()},
       {"dashboard", absl::StrCat("http://127.0.0.1:", dashboard.port(), "/")},
       {"replayed", replayed}});

  host.OnShutdown([&] {
    {
      std::lock_guard<std::mutex> lock(live->mu);
      live->consumer = nullptr;
    }
    (*consumer)->Stop();
    app.Stop();
    dashboard.Stop();
  });
  host.OnShutdown([&] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) lov::log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}
