// The replay: every event of some topics from the beginning to their end as
// of the call, outside any consumer group (the state rebuild).
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/kafka_replay_sink.h"
#include "lov/platform/log.h"

namespace lov {

using kafka_internal::CheckReachable;
using kafka_internal::FromMessage;
using kafka_internal::KafkaError;
using kafka_internal::ReplaySink;
using kafka_internal::SetAll;

absl::Status ReplayTopics(const KafkaSettings& settings,
                          const std::vector<std::string>& topics,
                          const EventHandler& handler, int64_t* replayed,
                          OffsetStore* offsets,
                          const BatchEventHandler& batch_handler) {
  const absl::Time started = absl::Now();
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  // Large fetches (librdkafka's default is 1 MiB per partition): fewer
  // gaps between them. Before the connection settings, which may set it.
  absl::Status s =
      SetAll(conf.get(),
             {{"max.partition.fetch.bytes", std::to_string(kMaxEventBytes)}});
  if (!s.ok()) return s;
  s = SetConnectionConfig(conf.get(), settings, settings.client_id + "-replay");
  if (!s.ok()) return s;
  s = SetAll(conf.get(), {{"group.id", "lov-replay-" + NewUuid()},
                          {"enable.auto.commit", "false"},
                          {"enable.partition.eof", "false"}});
  if (!s.ok()) return s;
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return absl::InternalError(err);
  const absl::Time created = absl::Now();
  if (absl::Status reach = CheckReachable(consumer.get(), settings);
      !reach.ok()) {
    consumer->close();
    return reach;
  }
  const absl::Time reached = absl::Now();
  int timeout_ms =
      static_cast<int>(absl::ToInt64Milliseconds(settings.connect_timeout));
  std::vector<RdKafka::TopicPartition*> assignment;
  std::map<std::pair<std::string, int32_t>, int64_t> end_offsets;
  for (const std::string& topic : topics) {
    std::unique_ptr<RdKafka::Topic> t(
        RdKafka::Topic::create(consumer.get(), topic, nullptr, err));
    RdKafka::Metadata* md = nullptr;
    RdKafka::ErrorCode code =
        consumer->metadata(false, t.get(), &md, timeout_ms);
    std::unique_ptr<RdKafka::Metadata> owned(md);
    if (code != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(assignment);
      consumer->close();
      return KafkaError(absl::StrCat("metadata for ", topic), code);
    }
    for (const auto* tm : *md->topics()) {
      if (tm->err() != RdKafka::ERR_NO_ERROR) {
        RdKafka::TopicPartition::destroy(assignment);
        consumer->close();
        return KafkaError(absl::StrCat("topic ", topic), tm->err());
      }
      for (const auto* pm : *tm->partitions()) {
        int64_t low = 0, high = 0;
        // A topic created a moment ago may not have a leader yet.
        absl::Time give_up = absl::Now() + settings.connect_timeout;
        while (true) {
          code = consumer->query_watermark_offsets(topic, pm->id(), &low, &high,
                                                   timeout_ms);
          if (code == RdKafka::ERR_NO_ERROR || absl::Now() >= give_up ||
              !(code == RdKafka::ERR_NOT_LEADER_FOR_PARTITION ||
                code == RdKafka::ERR_LEADER_NOT_AVAILABLE ||
                code == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART ||
                code == RdKafka::ERR__TRANSPORT)) {
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        if (code != RdKafka::ERR_NO_ERROR) {
          RdKafka::TopicPartition::destroy(assignment);
          consumer->close();
          return KafkaError(absl::StrCat("watermarks for ", topic), code);
        }
        if (high > low) {
          end_offsets[{topic, pm->id()}] = high;
          assignment.push_back(RdKafka::TopicPartition::create(
              topic, pm->id(), RdKafka::Topic::OFFSET_BEGINNING));
        }
      }
    }
  }
  const auto ends = end_offsets;
  const absl::Time ends_known = absl::Now();
  int64_t count = 0;
  int64_t gathered = 0;  // waits for the next fetch that ended with an event
  int64_t batches = 0, largest = 0;
  absl::Status result;
  if (!assignment.empty()) {
    consumer->assign(assignment);
    ReplaySink sink(handler, batch_handler, settings.replay_overlap);
    const int gather_ms =
        static_cast<int>(absl::ToInt64Milliseconds(settings.replay_gather));
    bool waited = false;
    while (!end_offsets.empty()) {
      // With events in hand, what is queued is taken at once; when nothing
      // is, the replay waits up to gather_ms for the next fetch before
      // handing on a partial batch (the end of the topics is not waited
      // for: the loop ends there).
      std::unique_ptr<RdKafka::Message> msg(
          consumer->consume(sink.empty() ? 500 : (waited ? gather_ms : 0)));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) {
        if (sink.empty() || waited || gather_ms == 0) {
          sink.Flush();
          waited = false;
        } else {
          waited = true;
        }
        continue;
      }
      if (waited) ++gathered;
      waited = false;
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        result = KafkaError("replay", msg->err());
        break;
      }
      auto key = std::make_pair(msg->topic_name(), msg->partition());
      auto end = end_offsets.find(key);
      if (end == end_offsets.end()) continue;
      absl::StatusOr<CloudEvent> event = FromMessage(*msg);
      if (event.ok()) sink.Add(*std::move(event));
      ++count;
      if (msg->offset() + 1 >= end->second) end_offsets.erase(end);
      if (sink.size() >= sink.max_batch()) sink.Flush();
    }
    if (result.ok()) sink.Flush();
    // The last batch handled before the offsets are saved (and before an
    // error is returned: nothing runs on after the call).
    sink.Finish();
    batches = sink.batches();
    largest = sink.largest();
    consumer->unassign();
  }
  const absl::Time read = absl::Now();
  RdKafka::TopicPartition::destroy(assignment);
  consumer->close();
  const absl::Time closed = absl::Now();
  if (replayed) *replayed = count;
  if (offsets != nullptr && result.ok()) {
    for (const auto& [part, end] : ends) {
      result = offsets->Save(part.first, part.second, end);
      if (!result.ok()) break;
    }
  }
  auto ms = [](absl::Duration d) { return absl::ToInt64Milliseconds(d); };
  log::Info("replay phases", {{"create_ms", ms(created - started)},
                              {"connect_ms", ms(reached - created)},
                              {"end_offsets_ms", ms(ends_known - reached)},
                              {"read_ms", ms(read - ends_known)},
                              {"close_ms", ms(closed - read)},
                              {"save_ms", ms(absl::Now() - closed)},
                              {"partitions", static_cast<int64_t>(ends.size())},
                              {"events", count},
                              {"batches", batches},
                              {"largest_batch", largest},
                              {"gather_waits", gathered}});
  return result;
}

}  // namespace lov
