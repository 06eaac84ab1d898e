#include "lov/console/domain/consumer_lag.h"

#include <algorithm>

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

bool IsServiceGroup(const std::string& group, const std::string& name_space) {
  absl::string_view name = group;
  if (!name_space.empty() &&
      !absl::ConsumePrefix(&name, absl::StrCat(name_space, "."))) {
    return false;
  }
  if (name == "console") return true;  // the console's own read model
  for (const char* service :
       {"registry", "choice", "visits", "settlement", "followup", "audit"}) {
    if (absl::StartsWith(name, absl::StrCat(service, "."))) return true;
  }
  return false;
}

}  // namespace lov::console
