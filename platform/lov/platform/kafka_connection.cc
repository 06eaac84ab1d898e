// Settings every librdkafka client is given (brokers, client id, security),
// the librdkafka error mapping, and the start-up check that the cluster
// answers and accepts the credentials.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"

namespace lov {
namespace kafka_internal {

absl::Status KafkaError(const std::string& what, RdKafka::ErrorCode code) {
  std::string msg = absl::StrCat(what, ": ", RdKafka::err2str(code));
  switch (code) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR__QUEUE_FULL:
      return absl::UnavailableError(msg);
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
      return absl::FailedPreconditionError(msg);
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status SetAll(
    RdKafka::Conf* conf,
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string err;
  for (const auto& [k, v] : kv) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka setting ", k, "=", v, ": ", err));
    }
  }
  return absl::OkStatus();
}

namespace {

std::string SaslUser(const KafkaSettings& settings) {
  for (const auto& [k, v] : settings.security) {
    if (k == "sasl.username") return v;
  }
  return "";
}

}  // namespace

std::string ClientId(const KafkaSettings& settings,
                     const std::string& client_id) {
  if (!client_id.empty()) return client_id;
  return settings.client_id.empty() ? "lov" : settings.client_id;
}

log::Level KafkaLogLevel(int syslog_level, std::string_view facility,
                         std::string_view message) {
  if (syslog_level >= 7) return log::Level::kDebug;
  if (syslog_level >= 5) return log::Level::kInfo;  // notice, info
  if (syslog_level == 4) return log::Level::kWarn;
  if (syslog_level == 3 && (facility == "FAIL" || facility == "ERROR") &&
      message.find("Fatal error") == std::string_view::npos) {
    return log::Level::kWarn;
  }
  return log::Level::kError;
}

void LogKafkaLine(int syslog_level, std::string_view facility,
                  std::string_view client, std::string_view message) {
  log::Write(
      KafkaLogLevel(syslog_level, facility, message), "librdkafka",
      {{"facility", facility}, {"client", client}, {"message", message}});
}

namespace {

// Called on librdkafka's threads; the logger writes whole lines.
void LogCallback(const rd_kafka_t* rk, int level, const char* facility,
                 const char* message) {
  LogKafkaLine(level, facility ? facility : "", rk ? rd_kafka_name(rk) : "",
               message ? message : "");
}

}  // namespace

void RouteLogs(rd_kafka_conf_t* conf) {
  if (conf != nullptr) rd_kafka_conf_set_log_cb(conf, &LogCallback);
}

void ConnectErrors::event_cb(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_LOG) {
    LogKafkaLine(event.severity(), event.fac(), client_, event.str());
    return;
  }
  if (event.type() != RdKafka::Event::EVENT_ERROR) return;
  std::lock_guard<std::mutex> lock(mu_);
  (event.err() == RdKafka::ERR__AUTHENTICATION ? refused_ : other_) =
      event.str();
}

std::string ConnectErrors::refused() {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

std::string ConnectErrors::other() {
  std::lock_guard<std::mutex> lock(mu_);
  return other_;
}

absl::Status CheckReachable(RdKafka::Handle* handle,
                            const KafkaSettings& settings,
                            ConnectErrors* errors) {
  const absl::Time give_up = absl::Now() + settings.connect_timeout;
  RdKafka::ErrorCode code;
  do {
    const absl::Time start = absl::Now();
    const absl::Duration slice =
        errors ? std::min(absl::Milliseconds(500), give_up - start)
               : settings.connect_timeout;
    RdKafka::Metadata* metadata = nullptr;
    code = handle->metadata(
        /*all_topics=*/false, nullptr, &metadata,
        static_cast<int>(
            std::max<int64_t>(1, absl::ToInt64Milliseconds(slice))));
    std::unique_ptr<RdKafka::Metadata> owned(metadata);
    if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    if (errors == nullptr) break;
    handle->poll(0);
    if (std::string refused = errors->refused(); !refused.empty()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "Kafka at ", settings.brokers, " refused the credentials of user ",
          SaslUser(settings), ": ", refused,
          " (check --kafka-sasl-username / LOV_KAFKA_SASL_USERNAME and "
          "--kafka-sasl-password-file / LOV_KAFKA_SASL_PASSWORD_FILE)"));
    }
    if (absl::Now() - start < absl::Milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } while (absl::Now() < give_up);
  const std::string last = errors ? errors->other() : "";
  return absl::UnavailableError(absl::StrCat(
      "cannot reach Kafka at ", settings.brokers, " within ",
      absl::FormatDuration(settings.connect_timeout), ": ",
      RdKafka::err2str(code), last.empty() ? "" : " (last error: ", last,
      last.empty() ? "" : ")", " (check --kafka-brokers / LOV_KAFKA_BROKERS)"));
}

}  // namespace kafka_internal

std::vector<std::pair<std::string, std::string>> ConnectionConfig(
    const KafkaSettings& settings, const std::string& client_id) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"bootstrap.servers", settings.brokers},
      {"client.id", kafka_internal::ClientId(settings, client_id)}};
  for (const auto& kv : settings.security) {
    if (!kv.second.empty()) out.push_back(kv);
  }
  return out;
}

absl::Status SetConnectionConfig(RdKafka::Conf* conf,
                                 const KafkaSettings& settings,
                                 const std::string& client_id) {
  kafka_internal::RouteLogs(conf->c_ptr_global());
  absl::Status s =
      kafka_internal::SetAll(conf, ConnectionConfig(settings, client_id));
  if (!s.ok()) return s;
  // librdkafka leaves Nagle on: a request's small second write (TLS splits
  // one request into records) then waits for the broker's delayed ACK, about
  // 40 ms on Linux, so every acks=all write took ~44 ms (performance.md,
  // "Choice latency: where the time goes").
  return kafka_internal::SetAll(conf, {{"socket.nagle.disable", "true"}});
}

}  // namespace lov
