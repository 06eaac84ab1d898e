// Topic creation (the admin API) with the settings of every event topic,
// and reading an existing topic's settings.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/topics.h"

namespace lov {
namespace {

// A handle for admin requests with the connection settings.
absl::StatusOr<rd_kafka_t*> NewAdminHandle(const KafkaSettings& settings) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  kafka_internal::RouteLogs(conf);
  for (const auto& [k, v] :
       ConnectionConfig(settings, settings.client_id + "-admin")) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(
          absl::StrCat("kafka setting ", k, ": ", errstr));
    }
  }
  rd_kafka_t* rk =
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(errstr);
  }
  return rk;
}

}  // namespace

std::map<std::string, std::string> EventTopicConfig() {
  return {{"retention.ms", "-1"},
          {"max.message.bytes", std::to_string(kMaxEventBytes)}};
}

std::map<std::string, std::string> RejectedTopicConfig(absl::Duration keep) {
  const int64_t keep_ms =
      absl::ToInt64Milliseconds(keep + kRejectedTopicMargin);
  return {{"cleanup.policy", "delete"},
          {"retention.ms", std::to_string(keep_ms)},
          {"retention.bytes", std::to_string(kRejectedTopicBytes)},
          // Segments of an eighth of the cap, rolled daily: what is
          // deleted, by time or by size, goes in small steps.
          {"segment.bytes", std::to_string(kRejectedTopicBytes / 8)},
          {"segment.ms",
           std::to_string(absl::ToInt64Milliseconds(absl::Hours(24)))},
          {"max.message.bytes", std::to_string(kMaxEventBytes)}};
}

std::map<std::string, std::string> DeadLetterTopicConfig() {
  return {{"cleanup.policy", "delete"},
          {"retention.ms",
           std::to_string(absl::ToInt64Milliseconds(kDeadLetterRetention))},
          {"max.message.bytes", std::to_string(kMaxDeadLetterBytes)}};
}

std::map<std::string, std::string> TopicConfigOf(const std::string& base) {
  if (base == topics::kVisitsRejected) {
    return RejectedTopicConfig(
        absl::Hours(24 * topics::kDefaultRejectedRetentionDays));
  }
  if (topics::IsDeadLetter(base)) return DeadLetterTopicConfig();
  return EventTopicConfig();
}

absl::Status CheckKeepsFor(const std::string& topic,
                           const std::map<std::string, std::string>& config,
                           absl::Duration keep) {
  auto it = config.find("retention.ms");
  int64_t kept_ms = 0;
  if (it == config.end() || !absl::SimpleAtoi(it->second, &kept_ms)) {
    return absl::FailedPreconditionError(
        absl::StrCat("topic ", topic, " has no readable retention.ms"));
  }
  if (kept_ms < 0 || kept_ms >= absl::ToInt64Milliseconds(keep)) {
    return absl::OkStatus();  // -1: for ever
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "topic ", topic, " keeps events ", kept_ms,
      " ms (retention.ms); at least ", absl::ToInt64Milliseconds(keep),
      " ms are needed: raise its retention.ms or lower the retention flag"));
}

absl::StatusOr<std::map<std::string, std::string>> DescribeTopicConfig(
    const KafkaSettings& settings, const std::string& topic) {
  absl::StatusOr<rd_kafka_t*> rk = NewAdminHandle(settings);
  if (!rk.ok()) return rk.status();
  char errstr[512];
  const int timeout_ms =
      static_cast<int>(absl::ToInt64Milliseconds(settings.connect_timeout));
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(*rk);
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(*rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr,
                                            sizeof(errstr));
  rd_kafka_DescribeConfigs(*rk, &resource, 1, options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms + 2000);
  absl::StatusOr<std::map<std::string, std::string>> out;
  if (!event) {
    out = absl::UnavailableError(absl::StrCat(
        "cannot reach Kafka at ", settings.brokers, " to describe ", topic));
  } else if (rd_kafka_event_error(event)) {
    out = absl::UnavailableError(absl::StrCat(
        "describing topic ", topic, ": ", rd_kafka_event_error_string(event)));
  } else {
    size_t n = 0;
    const rd_kafka_ConfigResource_t** described =
        rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(event), &n);
    if (n != 1 || rd_kafka_ConfigResource_error(described[0]) !=
                      RD_KAFKA_RESP_ERR_NO_ERROR) {
      out = absl::UnavailableError(absl::StrCat(
          "describing topic ", topic, ": ",
          n == 1 ? rd_kafka_ConfigResource_error_string(described[0])
                 : "no answer"));
    } else {
      std::map<std::string, std::string> config;
      size_t entries = 0;
      const rd_kafka_ConfigEntry_t** e =
          rd_kafka_ConfigResource_configs(described[0], &entries);
      for (size_t i = 0; i < entries; ++i) {
        const char* value = rd_kafka_ConfigEntry_value(e[i]);
        config[rd_kafka_ConfigEntry_name(e[i])] = value ? value : "";
      }
      out = std::move(config);
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_destroy(*rk);
  return out;
}

absl::Status EnsureTopics(const KafkaSettings& settings,
                          const std::vector<TopicSpec>& topics) {
  if (topics.empty()) return absl::OkStatus();
  char errstr[512];
  absl::StatusOr<rd_kafka_t*> admin = NewAdminHandle(settings);
  if (!admin.ok()) return admin.status();
  rd_kafka_t* rk = *admin;
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  absl::Status status;
  for (const TopicSpec& t : topics) {
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                              t.replication_factor, errstr, sizeof(errstr));
    if (!nt) {
      status = absl::InvalidArgumentError(
          absl::StrCat("topic ", t.name, ": ", errstr));
      break;
    }
    for (const auto& [k, v] : t.config) {
      rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    }
    new_topics.push_back(nt);
  }
  if (status.ok()) {
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    int timeout_ms =
        static_cast<int>(absl::ToInt64Milliseconds(settings.connect_timeout));
    rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr,
                                              sizeof(errstr));
    rd_kafka_CreateTopics(rk, new_topics.data(), new_topics.size(), options,
                          queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms + 2000);
    if (!event) {
      status = absl::UnavailableError(absl::StrCat(
          "cannot reach Kafka at ", settings.brokers, " to create topics"));
    } else if (rd_kafka_event_error(event)) {
      status = absl::UnavailableError(
          absl::StrCat("creating topics on ", settings.brokers, ": ",
                       rd_kafka_event_error_string(event)));
    } else {
      const rd_kafka_CreateTopics_result_t* result =
          rd_kafka_event_CreateTopics_result(event);
      size_t n = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(result, &n);
      for (size_t i = 0; i < n; ++i) {
        rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR &&
            err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          status = absl::InternalError(absl::StrCat(
              "creating topic ", rd_kafka_topic_result_name(results[i]), ": ",
              rd_kafka_topic_result_error_string(results[i])));
        }
      }
    }
    if (event) rd_kafka_event_destroy(event);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
  }
  for (auto* nt : new_topics) rd_kafka_NewTopic_destroy(nt);
  // A new topic takes a moment to get partition leaders; wait for them so
  // that callers can produce and read watermarks at once.
  absl::Time give_up = absl::Now() + settings.connect_timeout;
  for (const TopicSpec& t : topics) {
    if (!status.ok()) break;
    while (true) {
      rd_kafka_topic_t* handle =
          rd_kafka_topic_new(rk, t.name.c_str(), nullptr);
      const rd_kafka_metadata_t* md = nullptr;
      bool ready = false;
      if (rd_kafka_metadata(rk, 0, handle, &md, 5000) ==
              RD_KAFKA_RESP_ERR_NO_ERROR &&
          md->topic_cnt == 1 &&
          md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
          md->topics[0].partition_cnt > 0) {
        ready = true;
        for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
          ready &= md->topics[0].partitions[i].leader >= 0;
        }
      }
      if (md) rd_kafka_metadata_destroy(md);
      rd_kafka_topic_destroy(handle);
      if (ready) break;
      if (absl::Now() >= give_up) {
        status = absl::UnavailableError(
            absl::StrCat("topic ", t.name, " has no partition leaders on ",
                         settings.brokers));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  rd_kafka_destroy(rk);
  return status;
}

}  // namespace lov
