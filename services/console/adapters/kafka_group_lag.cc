#include "lov/console/adapters/kafka_group_lag.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lov/platform/kafka_watermarks.h"
#include "lov/platform/metrics.h"

namespace lov::console {
namespace {

// Owns what the C admin API hands out.
struct AdminCall {
  explicit AdminCall(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms)
      : queue(rd_kafka_queue_new(rk)),
        options(rd_kafka_AdminOptions_new(rk, op)) {
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr,
                                              sizeof(errstr));
  }
  ~AdminCall() {
    if (event) rd_kafka_event_destroy(event);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
  }
  // Waits for the result; UNAVAILABLE when none came or it is an error.
  absl::Status Wait(const std::string& what, int timeout_ms) {
    event = rd_kafka_queue_poll(queue, timeout_ms + 1000);
    if (!event)
      return absl::UnavailableError(absl::StrCat(what, ": timed out"));
    if (rd_kafka_event_error(event)) {
      return absl::UnavailableError(
          absl::StrCat(what, ": ", rd_kafka_event_error_string(event)));
    }
    return absl::OkStatus();
  }
  rd_kafka_queue_t* queue;
  rd_kafka_AdminOptions_t* options;
  rd_kafka_event_t* event = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaGroupLag>> KafkaGroupLag::Create(
    const KafkaSettings& settings, std::string name_space,
    absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> handle =
      MetadataHandle(settings, "group-lag");
  if (!handle.ok()) return handle.status();
  std::unique_ptr<KafkaGroupLag> lag(new KafkaGroupLag());
  lag->handle_ = *std::move(handle);
  lag->name_space_ = std::move(name_space);
  lag->brokers_ = settings.brokers;
  lag->timeout_ms_ = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  return lag;
}

KafkaGroupLag::~KafkaGroupLag() = default;

absl::StatusOr<std::vector<std::string>> KafkaGroupLag::ListGroups() {
  AdminCall call(handle_->c_ptr(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
                 timeout_ms_);
  rd_kafka_ListConsumerGroups(handle_->c_ptr(), call.options, call.queue);
  if (absl::Status s =
          call.Wait(absl::StrCat("listing the consumer groups on ", brokers_),
                    timeout_ms_);
      !s.ok()) {
    return s;
  }
  const rd_kafka_ListConsumerGroups_result_t* result =
      rd_kafka_event_ListConsumerGroups_result(call.event);
  size_t n_errors = 0;
  const rd_kafka_error_t** errors =
      rd_kafka_ListConsumerGroups_result_errors(result, &n_errors);
  if (n_errors > 0) {
    return absl::UnavailableError(
        absl::StrCat("listing the consumer groups on ", brokers_, ": ",
                     rd_kafka_error_string(errors[0])));
  }
  size_t n = 0;
  const rd_kafka_ConsumerGroupListing_t** groups =
      rd_kafka_ListConsumerGroups_result_valid(result, &n);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string id = rd_kafka_ConsumerGroupListing_group_id(groups[i]);
    if (IsServiceGroup(id, name_space_)) out.push_back(std::move(id));
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::map<TopicPartition, int64_t>> KafkaGroupLag::Committed(
    const std::string& group) {
  AdminCall call(handle_->c_ptr(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                 timeout_ms_);
  // No partitions named: every partition the group has committed.
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  rd_kafka_ListConsumerGroupOffsets(handle_->c_ptr(), &request, 1, call.options,
                                    call.queue);
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  const std::string what = absl::StrCat("the committed offsets of ", group);
  if (absl::Status s = call.Wait(what, timeout_ms_); !s.ok()) return s;
  size_t n = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_ListConsumerGroupOffsets_result_groups(
          rd_kafka_event_ListConsumerGroupOffsets_result(call.event), &n);
  std::map<TopicPartition, int64_t> out;
  for (size_t i = 0; i < n; ++i) {
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i])) {
      return absl::UnavailableError(
          absl::StrCat(what, ": ", rd_kafka_error_string(e)));
    }
    const rd_kafka_topic_partition_list_t* parts =
        rd_kafka_group_result_partitions(groups[i]);
    for (int p = 0; parts && p < parts->cnt; ++p) {
      const rd_kafka_topic_partition_t& tp = parts->elems[p];
      if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      out[{tp.topic, tp.partition}] = tp.offset;
    }
  }
  return out;
}

absl::Status KafkaGroupLag::AddEnds(
    const std::string& topic, std::map<TopicPartition, PartitionEnds>* ends) {
  absl::StatusOr<std::map<int32_t, PartitionWatermarks>> marks =
      QueryWatermarks(*handle_, topic, timeout_ms_);
  if (!marks.ok()) return marks.status();
  for (const auto& [partition, w] : *marks) {
    (*ends)[{topic, partition}] = {.low = w.low, .high = w.high};
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::set<std::string>>>
KafkaGroupLag::AssignedTopics(const std::vector<std::string>& groups) {
  std::map<std::string, std::set<std::string>> out;
  if (groups.empty()) return out;
  AdminCall call(handle_->c_ptr(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
                 timeout_ms_);
  std::vector<const char*> names;
  for (const std::string& g : groups) names.push_back(g.c_str());
  rd_kafka_DescribeConsumerGroups(handle_->c_ptr(), names.data(), names.size(),
                                  call.options, call.queue);
  const std::string what = "describing the consumer groups";
  if (absl::Status s = call.Wait(what, timeout_ms_); !s.ok()) return s;
  size_t n = 0;
  const rd_kafka_ConsumerGroupDescription_t** descriptions =
      rd_kafka_DescribeConsumerGroups_result_groups(
          rd_kafka_event_DescribeConsumerGroups_result(call.event), &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_ConsumerGroupDescription_t* d = descriptions[i];
    const std::string group = rd_kafka_ConsumerGroupDescription_group_id(d);
    if (const rd_kafka_error_t* e =
            rd_kafka_ConsumerGroupDescription_error(d)) {
      return absl::UnavailableError(
          absl::StrCat(what, ": ", group, ": ", rd_kafka_error_string(e)));
    }
    std::set<std::string>& topics = out[group];
    for (size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(d);
         ++m) {
      const rd_kafka_MemberAssignment_t* assignment =
          rd_kafka_MemberDescription_assignment(
              rd_kafka_ConsumerGroupDescription_member(d, m));
      const rd_kafka_topic_partition_list_t* parts =
          assignment ? rd_kafka_MemberAssignment_partitions(assignment)
                     : nullptr;
      for (int p = 0; parts && p < parts->cnt; ++p) {
        topics.insert(parts->elems[p].topic);
      }
    }
  }
  return out;
}

absl::StatusOr<std::vector<TopicLag>> KafkaGroupLag::Read() {
  absl::StatusOr<GroupLagReport> report = ReadReport();
  if (!report.ok()) return report.status();
  return std::move(report->lags);
}

absl::StatusOr<GroupLagReport> KafkaGroupLag::ReadReport() {
  absl::StatusOr<std::vector<std::string>> groups = ListGroups();
  if (!groups.ok()) return groups.status();
  absl::StatusOr<std::map<std::string, std::set<std::string>>> assigned =
      AssignedTopics(*groups);
  if (!assigned.ok()) return assigned.status();
  std::map<std::string, std::map<TopicPartition, PartitionEnds>> ends_by_topic;
  GroupLagReport report;
  for (const std::string& group : *groups) {
    absl::StatusOr<std::map<TopicPartition, int64_t>> committed =
        Committed(group);
    if (!committed.ok()) return committed.status();
    // The topics the group reads: those it has committed on and those its
    // members are assigned; each with all its partitions, those not
    // committed yet included.
    std::set<std::string> topics = (*assigned)[group];
    for (const auto& [partition, offset] : *committed) {
      topics.insert(partition.first);
    }
    std::map<TopicPartition, PartitionEnds> ends;
    for (const std::string& topic : topics) {
      auto [it, fresh] = ends_by_topic.try_emplace(topic);
      if (fresh) {
        if (absl::Status s = AddEnds(topic, &it->second); !s.ok()) return s;
      }
      ends.insert(it->second.begin(), it->second.end());
    }
    AddGroupLags(group, *committed, ends, &report);
    report.service_of_group[group] = ServiceOfGroup(group, name_space_);
  }
  return report;
}

void AddGroupLagGauges(ConsoleApp* app) {
  auto& registry = metrics::Registry::Default();
  registry.AddCollector([app, &registry] {
    for (const TopicLag& lag : app->GroupLags()) {
      if (lag.topic.empty()) continue;  // a group that reads nothing yet
      registry
          .GetGauge("lov_consumer_group_lag",
                    "Events written to the topic and not yet committed by "
                    "the consumer group, from Kafka (end minus committed "
                    "offsets, all partitions)",
                    {{"group", lag.group}, {"topic", lag.topic}})
          .Set(static_cast<double>(lag.lag));
    }
  });
}

absl::StatusOr<GroupLagReader*> WatchGroupLag(ServiceContext& ctx,
                                              ConsoleApp* app) {
  absl::StatusOr<std::unique_ptr<KafkaGroupLag>> lag =
      KafkaGroupLag::Create(ctx.settings().kafka(), ctx.settings().name_space);
  if (!lag.ok()) return lag.status();
  AddGroupLagGauges(app);
  return ctx.Keep(std::move(*lag));
}

}  // namespace lov::console
