// How far behind a consumer group is, as Kafka itself has it: per partition
// the end of the log (high watermark) minus the offset the group committed,
// summed per topic. Read from the cluster rather than from a service's
// /metrics, so that it is the group's lag whichever pod is asked (in
// Kubernetes a Service answers with one random pod).
#ifndef LOV_CONSOLE_DOMAIN_CONSUMER_LAG_H_
#define LOV_CONSOLE_DOMAIN_CONSUMER_LAG_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lov::console {

struct TopicLag {
  std::string group;
  std::string topic;
  int64_t lag = 0;  // events written to the topic and not yet committed
};

// One partition's log: the first offset still kept and the end (the offset
// the next event written there gets).
struct PartitionEnds {
  int64_t low = 0;
  int64_t high = 0;
};

using TopicPartition = std::pair<std::string, int32_t>;

// `group`'s lag per topic of `ends` (every partition of the topics it
// reads). A partition without a committed offset counts from its first kept
// event: the services' consumers start there (auto.offset.reset=earliest).
// A committed offset past the end (the log was truncated) is no lag.
// Sorted by topic.
std::vector<TopicLag> LagPerTopic(
    const std::string& group,
    const std::map<TopicPartition, int64_t>& committed,
    const std::map<TopicPartition, PartitionEnds>& ends);

// What the console knows of the services' groups from Kafka, for the
// pipeline panel.
struct GroupLagReport {
  std::vector<TopicLag> lags;  // sorted by group and topic
  // (group, topic) of the rows of `lags` whose group has committed no offset
  // on that topic (a member reads it, nothing is committed yet): their lag
  // counts from the first kept event. A group that reads no topic yet has
  // one row, topic "" and lag 0, marked so too.
  std::set<std::pair<std::string, std::string>> never_committed;
  // The service each group of `lags` belongs to (ServiceOfGroup).
  std::map<std::string, std::string> service_of_group;
};

// Adds `group`'s rows to `report`: LagPerTopic over `ends` (every partition
// of the topics it reads: those it has committed on and those its members
// are assigned), each topic it has committed nothing on marked as never
// committed; a group without any topic still gets a row (see
// GroupLagReport::never_committed).
void AddGroupLags(const std::string& group,
                  const std::map<TopicPartition, int64_t>& committed,
                  const std::map<TopicPartition, PartitionEnds>& ends,
                  GroupLagReport* report);

// Each group's lag summed over its topics.
std::map<std::string, int64_t> LagPerGroup(const std::vector<TopicLag>& lags);

// The service whose consumer group `group` is ("registry" for
// "<ns>.registry.state", "console" for the console's own), or "" when it is
// no service's (see IsServiceGroup).
std::string ServiceOfGroup(const std::string& group,
                           const std::string& name_space);

// Whether `group` is a consumer group of one of the platform's services
// ("<service>.<projection>", or "console", the console's own; under the
// namespace prefix "<ns>." when `name_space` is set), rather than a
// replay's, a subscriber's or a tool's.
bool IsServiceGroup(const std::string& group, const std::string& name_space);

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_CONSUMER_LAG_H_
