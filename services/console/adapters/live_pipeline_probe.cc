#include "lov/console/adapters/live_pipeline_probe.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/console/domain/prometheus_text.h"
#include "lov/platform/dependency_probes.h"
#include "lov/platform/http_server.h"

namespace lov::console {

void ReadServiceMetrics(const std::string& text, ServiceHealth* health) {
  std::map<std::string, GroupHealth> groups;
  for (const Sample& s : ParsePrometheusText(text)) {
    if (s.name == "lov_serving") health->serving = s.value >= 1;
    if (s.name == "lov_dependency_up" && s.value < 1) {
      auto dependency = s.labels.find("dependency");
      if (dependency != s.labels.end()) {
        health->dependencies_down.push_back(dependency->second);
      }
    }
    auto group = s.labels.find("group");
    if (group == s.labels.end()) continue;
    GroupHealth& g = groups[group->second];
    g.group = group->second;
    if (s.name == "lov_consumer_lag") g.lag += s.value;
    if (s.name == "lov_events_consumed_total") g.consumed += s.value;
    if (s.name == "lov_events_dead_lettered_total") {
      g.dead_lettered += s.value;
    }
  }
  for (auto& [id, g] : groups) health->groups.push_back(g);
}

LivePipelineProbe::LivePipelineProbe(
    std::vector<std::pair<std::string, std::string>> services,
    KafkaSettings kafka, std::string redis_addr, RedisAuth redis_auth,
    GroupLagReader* group_lags)
    : services_(std::move(services)),
      kafka_(KafkaDependency(kafka, absl::Seconds(2))),
      redis_(RedisDependency(redis_addr, redis_auth)),
      group_lags_(group_lags) {}

LivePipelineProbe::~LivePipelineProbe() = default;

ServiceHealth LivePipelineProbe::CheckService(const std::string& name,
                                              const std::string& address) {
  ServiceHealth h;
  h.name = name;
  h.metrics_address = address;
  absl::StatusOr<std::string> text = http::Get(address, "/metrics", 1500);
  if (!text.ok()) {
    h.error = std::string(text.status().message());
    return h;
  }
  h.up = true;
  ReadServiceMetrics(*text, &h);
  return h;
}

PipelineHealth LivePipelineProbe::Check() {
  PipelineHealth health;
  for (const auto& [name, address] : services_) {
    health.services.push_back(CheckService(name, address));
  }
  const absl::Status kafka = kafka_.check();
  health.kafka_reachable = kafka.ok();
  health.kafka_error = std::string(kafka.message());
  const absl::Status redis = redis_.check();
  health.redis_reachable = redis.ok();
  health.redis_error = std::string(redis.message());
  if (group_lags_ != nullptr) {
    absl::StatusOr<std::vector<TopicLag>> lags = group_lags_->Read();
    if (lags.ok()) {
      health.group_lags = std::move(*lags);
    } else {
      health.group_lags_error = std::string(lags.status().message());
    }
  }
  health.checked_at = absl::Now();
  return health;
}

std::vector<std::pair<std::string, std::string>>
LivePipelineProbe::WatchedServices(Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto [name, port] : {std::pair{"registry", 9101},
                            {"choice", 9102},
                            {"visits", 9103},
                            {"settlement", 9104},
                            {"followup", 9107}}) {
    out.emplace_back(name, config.HostPort(absl::StrCat(name, "-metrics"),
                                           absl::StrCat("127.0.0.1:", port)));
  }
  return out;
}

}  // namespace lov::console
