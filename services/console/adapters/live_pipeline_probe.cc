#include "lov/console/adapters/live_pipeline_probe.h"

#include <map>
#include <set>
#include <utility>

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

void SetLagsFromKafka(const GroupLagReport* report,
                      std::vector<ServiceHealth>* services) {
  std::map<std::string, int64_t> lag_of_group;
  std::set<std::string> never_committed;
  if (report != nullptr) {
    lag_of_group = LagPerGroup(report->lags);
    for (const auto& [group, topic] : report->never_committed) {
      never_committed.insert(group);
    }
  }
  for (ServiceHealth& service : *services) {
    std::map<std::string, GroupHealth> groups;
    for (GroupHealth& g : service.groups) groups[g.group] = std::move(g);
    if (report != nullptr) {
      for (const auto& [group, name] : report->service_of_group) {
        if (name == service.name) groups[group].group = group;
      }
    }
    service.groups.clear();
    for (auto& [id, g] : groups) {
      auto lag = lag_of_group.find(id);
      g.lag_unknown = lag == lag_of_group.end();
      g.lag = g.lag_unknown ? 0 : static_cast<double>(lag->second);
      g.never_committed = never_committed.count(id) > 0;
      service.groups.push_back(std::move(g));
    }
  }
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
    absl::StatusOr<GroupLagReport> report = group_lags_->ReadReport();
    if (report.ok()) {
      SetLagsFromKafka(&*report, &health.services);
      health.group_lags = std::move(report->lags);
      health.never_committed = std::move(report->never_committed);
    } else {
      SetLagsFromKafka(nullptr, &health.services);
      health.group_lags_error = std::string(report.status().message());
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
