#include "lov/console/domain/consumer_lag.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace lov::console {

std::vector<TopicLag> LagPerTopic(
    const std::string& group,
    const std::map<TopicPartition, int64_t>& committed,
    const std::map<TopicPartition, PartitionEnds>& ends) {
  std::map<std::string, int64_t> per_topic;
  for (const auto& [partition, end] : ends) {
    auto it = committed.find(partition);
    const int64_t from =
        it != committed.end() && it->second >= 0 ? it->second : end.low;
    per_topic[partition.first] += std::max<int64_t>(0, end.high - from);
  }
  std::vector<TopicLag> out;
  for (const auto& [topic, lag] : per_topic) out.push_back({group, topic, lag});
  return out;
}

void AddGroupLags(const std::string& group,
                  const std::map<TopicPartition, int64_t>& committed,
                  const std::map<TopicPartition, PartitionEnds>& ends,
                  GroupLagReport* report) {
  std::set<std::string> committed_topics;
  for (const auto& [partition, offset] : committed) {
    if (offset >= 0) committed_topics.insert(partition.first);
  }
  std::vector<TopicLag> rows = LagPerTopic(group, committed, ends);
  if (rows.empty()) rows.push_back({group, "", 0});
  for (TopicLag& row : rows) {
    if (committed_topics.count(row.topic) == 0) {
      report->never_committed.insert({group, row.topic});
    }
    report->lags.push_back(std::move(row));
  }
}

std::map<std::string, int64_t> LagPerGroup(const std::vector<TopicLag>& lags) {
  std::map<std::string, int64_t> out;
  for (const TopicLag& lag : lags) out[lag.group] += lag.lag;
  return out;
}

std::string ServiceOfGroup(const std::string& group,
                           const std::string& name_space) {
  absl::string_view name = group;
  if (!name_space.empty() &&
      !absl::ConsumePrefix(&name, absl::StrCat(name_space, "."))) {
    return "";
  }
  if (name == "console") return "console";  // the console's own read model
  for (const char* service :
       {"registry", "choice", "visits", "settlement", "followup", "audit"}) {
    if (absl::StartsWith(name, absl::StrCat(service, "."))) return service;
  }
  return "";
}

bool IsServiceGroup(const std::string& group, const std::string& name_space) {
  return !ServiceOfGroup(group, name_space).empty();
}

}  // namespace lov::console
