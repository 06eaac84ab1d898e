#include "lov/console/adapters/live_pipeline_probe.h"

#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/console/adapters/dns_address_resolver.h"
#include "lov/console/adapters/service_pods.h"
#include "lov/console/domain/prometheus_text.h"
#include "lov/platform/dependency_probes.h"
#include "lov/platform/http_server.h"
#include "lov/platform/log.h"

namespace lov::console {
namespace {

// Each pod's /metrics with a short timeout: over HTTPS when given the CA
// of the services' certificates (their metrics ports speak HTTPS,
// --metrics-tls), checking that the pod's certificate names the service;
// else over HTTP.
class HttpMetricsScraper : public MetricsScraper {
 public:
  explicit HttpMetricsScraper(std::string ca_file = "")
      : ca_file_(std::move(ca_file)) {}
  absl::StatusOr<std::string> Scrape(const std::string& service,
                                     const std::string& address) override {
    absl::StatusOr<http::ClientResponse> r =
        http::Fetch({.host_port = address,
                     .path = "/metrics",
                     .timeout_ms = 1500,
                     .ca_file = ca_file_,
                     .tls_server_name = ca_file_.empty() ? "" : service});
    if (!r.ok()) return r.status();
    if (r->status != 200) {
      return absl::UnavailableError(
          absl::StrCat(address, "/metrics: answered ", r->status, ", not 200"));
    }
    return r->body;
  }

 private:
  std::string ca_file_;
};

}  // namespace

void ReadServiceMetrics(const std::string& text, ServiceHealth* health) {
  std::map<std::string, GroupHealth> groups;
  for (const Sample& s : ParsePrometheusText(text)) {
    if (s.name == "lov_serving") health->serving = s.value >= 1;
    if (s.name == "lov_dependency_up") {
      auto dependency = s.labels.find("dependency");
      if (dependency != s.labels.end()) {
        (s.value < 1 ? health->dependencies_down : health->dependencies_up)
            .push_back(dependency->second);
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
      resolver_(std::make_unique<DnsAddressResolver>()),
      scraper_(std::make_unique<HttpMetricsScraper>()),
      kafka_(KafkaDependency(kafka, absl::Seconds(2))),
      redis_(RedisDependency(redis_addr, redis_auth)),
      group_lags_(group_lags) {}

LivePipelineProbe::~LivePipelineProbe() = default;

void LivePipelineProbe::ReadMetricsOverHttps(std::string ca_file) {
  scraper_ = std::make_unique<HttpMetricsScraper>(std::move(ca_file));
}

PipelineHealth LivePipelineProbe::Check() {
  PipelineHealth health;
  for (const auto& [name, address] : services_) {
    health.services.push_back(
        CheckServicePods(name, address, *resolver_, *scraper_));
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

LivePipelineProbe::MetricsWatch LivePipelineProbe::ReadMetricsWatch(
    Config& config) {
  MetricsWatch watch{WatchedServices(config),
                     config.Bool("insecure-metrics-plaintext", false)};
  if (!watch.plaintext && config.String("tls-client-ca", "").empty()) {
    config.AddError(
        "--tls-client-ca (LOV_TLS_CLIENT_CA) is not set: the console reads "
        "the services' /metrics over HTTPS and checks their certificates "
        "against it; set it, or for development only "
        "--insecure-metrics-plaintext (LOV_INSECURE_METRICS_PLAINTEXT=true) "
        "to read them over plain HTTP");
  }
  return watch;
}

void LivePipelineProbe::ReadMetrics(const MetricsWatch& watch,
                                    const std::string& ca_file) {
  if (!watch.plaintext) {
    ReadMetricsOverHttps(ca_file);
    return;
  }
  const std::string warning =
      "reading the services' /metrics over plain HTTP "
      "(--insecure-metrics-plaintext): anyone on the network can read or "
      "forge them; for development only";
  log::Warn(warning);
  std::cerr << "console: WARNING: " << warning << "\n";
}

}  // namespace lov::console
