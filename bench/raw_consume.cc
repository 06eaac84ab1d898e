#include "raw_consume.h"

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"

namespace lov::bench {

absl::StatusOr<RawConsumed> RawConsume(const KafkaSettings& kafka,
                                       const std::vector<std::string>& topics) {
  const absl::Time start = absl::Now();
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (absl::Status s = SetConnectionConfig(conf.get(), kafka, "bench-raw");
      !s.ok()) {
    return s;
  }
  std::string err;
  for (auto [k, v] :
       {std::pair{"group.id", "bench-raw-" + NewUuid()},
        std::pair{"enable.auto.commit", std::string("false")},
        std::pair{"enable.partition.eof", std::string("false")}}) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(k, ": ", err));
    }
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return absl::InternalError(err);

  std::vector<RdKafka::TopicPartition*> assignment;
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  for (const std::string& topic : topics) {
    std::unique_ptr<RdKafka::Topic> t(
        RdKafka::Topic::create(consumer.get(), topic, nullptr, err));
    RdKafka::Metadata* md = nullptr;
    RdKafka::ErrorCode code = consumer->metadata(false, t.get(), &md, 15000);
    std::unique_ptr<RdKafka::Metadata> owned(md);
    if (code != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(assignment);
      return absl::UnavailableError(
          absl::StrCat("metadata of ", topic, ": ", RdKafka::err2str(code)));
    }
    for (const auto* tm : *md->topics()) {
      for (const auto* pm : *tm->partitions()) {
        int64_t low = 0, high = 0;
        code = consumer->query_watermark_offsets(topic, pm->id(), &low, &high,
                                                 15000);
        if (code != RdKafka::ERR_NO_ERROR) {
          RdKafka::TopicPartition::destroy(assignment);
          return absl::UnavailableError(absl::StrCat(
              "end of ", topic, "/", pm->id(), ": ", RdKafka::err2str(code)));
        }
        if (high <= low) continue;
        ends[{topic, pm->id()}] = high;
        assignment.push_back(
            RdKafka::TopicPartition::create(topic, pm->id(), low));
      }
    }
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);

  RawConsumed out;
  const absl::Time give_up = absl::Now() + absl::Minutes(30);
  while (!ends.empty() && absl::Now() < give_up) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(500));
    if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      consumer->close();
      return absl::UnavailableError(
          absl::StrCat("consume: ", RdKafka::err2str(m->err())));
    }
    ++out.messages;
    out.bytes += static_cast<int64_t>(m->len());
    auto it = ends.find({m->topic_name(), m->partition()});
    if (it != ends.end() && m->offset() + 1 >= it->second) ends.erase(it);
  }
  out.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  consumer->close();
  if (!ends.empty()) {
    return absl::DeadlineExceededError(
        absl::StrCat("raw consume did not reach the end of ", ends.size(),
                     " partitions in 30 minutes"));
  }
  return out;
}

}  // namespace lov::bench
