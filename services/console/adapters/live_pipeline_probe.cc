#include "lov/console/adapters/live_pipeline_probe.h"

#include <librdkafka/rdkafkacpp.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/console/domain/prometheus_text.h"
#include "lov/platform/http_server.h"

namespace lov::console {

LivePipelineProbe::LivePipelineProbe(
    std::vector<std::pair<std::string, std::string>> services,
    KafkaSettings kafka, std::string redis_addr, RedisAuth redis_auth)
    : services_(std::move(services)),
      kafka_settings_(std::move(kafka)),
      redis_addr_(std::move(redis_addr)),
      redis_auth_(std::move(redis_auth)) {}

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
  std::map<std::string, GroupHealth> groups;
  for (const Sample& s : ParsePrometheusText(*text)) {
    if (s.name == "lov_serving") h.serving = s.value >= 1;
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
  for (auto& [id, g] : groups) h.groups.push_back(g);
  return h;
}

void LivePipelineProbe::CheckKafka(PipelineHealth* health) {
  if (!kafka_) {
    std::unique_ptr<RdKafka::Conf> conf(
        RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    if (absl::Status s =
            SetConnectionConfig(conf.get(), kafka_settings_, "console-health");
        !s.ok()) {
      health->kafka_error = std::string(s.message());
      return;
    }
    kafka_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!kafka_) {
      health->kafka_error = err;
      return;
    }
  }
  RdKafka::Metadata* md = nullptr;
  RdKafka::ErrorCode code = kafka_->metadata(false, nullptr, &md, 2000);
  std::unique_ptr<RdKafka::Metadata> owned(md);
  health->kafka_reachable = code == RdKafka::ERR_NO_ERROR;
  if (!health->kafka_reachable) {
    health->kafka_error =
        absl::StrCat(kafka_settings_.brokers, ": ", RdKafka::err2str(code));
  }
}

void LivePipelineProbe::CheckRedis(PipelineHealth* health) {
  if (!redis_) {
    auto client =
        RedisClient::Connect(redis_addr_, absl::Seconds(1), redis_auth_);
    if (!client.ok()) {
      health->redis_error = std::string(client.status().message());
      return;
    }
    redis_ = std::move(*client);
  }
  absl::StatusOr<RedisReply> pong = redis_->Command({"PING"});
  health->redis_reachable = pong.ok();
  if (!pong.ok()) health->redis_error = std::string(pong.status().message());
}

PipelineHealth LivePipelineProbe::Check() {
  PipelineHealth health;
  for (const auto& [name, address] : services_) {
    health.services.push_back(CheckService(name, address));
  }
  CheckKafka(&health);
  CheckRedis(&health);
  health.checked_at = absl::Now();
  return health;
}

std::vector<std::pair<std::string, std::string>>
LivePipelineProbe::WatchedServices(Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto [name, port] : {std::pair{"registry", 9101},
                            {"choice", 9102},
                            {"visits", 9103},
                            {"settlement", 9104}}) {
    out.emplace_back(name, config.HostPort(absl::StrCat(name, "-metrics"),
                                           absl::StrCat("127.0.0.1:", port)));
  }
  return out;
}

}  // namespace lov::console
