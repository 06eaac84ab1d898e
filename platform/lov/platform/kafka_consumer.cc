// The consumer-group member: the poll loop, retries of transient failures,
// the dead-letter topic for poison events, and the offsets kept with the
// state (the rebalance callback starts partitions there).
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"
#include "lov/platform/trace_context.h"

namespace lov {

using kafka_internal::CheckReachable;
using kafka_internal::FromMessage;
using kafka_internal::KafkaError;
using kafka_internal::SetAll;

bool IsTransient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
      return true;
    default:
      return false;
  }
}

namespace {

template <typename Call>
absl::Status GuardedCall(const Call& call) {
  try {
    return call();
  } catch (const std::bad_alloc&) {
    // The process, not the event: retried.
    return absl::ResourceExhaustedError("out of memory handling the event");
  } catch (const std::exception& e) {
    // E.g. a number that does not parse in stored or consumed data: the
    // event is parked with the reason, the process goes on.
    return absl::DataLossError(
        absl::StrCat("the handler failed on this event: ", e.what()));
  } catch (...) {
    return absl::DataLossError("the handler failed on this event");
  }
}

}  // namespace

absl::Status Guarded(const EventHandler& handler, const CloudEvent& event) {
  return GuardedCall([&] { return handler(event); });
}

absl::StatusOr<std::vector<bool>> DedupeStore::SeenAll(
    const std::vector<std::string>& event_ids) {
  std::vector<bool> out;
  out.reserve(event_ids.size());
  for (const std::string& id : event_ids) {
    absl::StatusOr<bool> seen = Seen(id);
    if (!seen.ok()) return seen.status();
    out.push_back(*seen);
  }
  return out;
}

absl::Status DedupeStore::MarkAllDone(
    const std::vector<std::string>& event_ids) {
  for (const std::string& id : event_ids) {
    if (absl::Status s = MarkDone(id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

namespace kafka_internal {

absl::Status GuardedBatch(const BatchEventHandler& handler,
                          const std::vector<CloudEvent>& events) {
  return GuardedCall([&] { return handler(events); });
}

// Starts each assigned partition at the offset stored with the state;
// saves what was handled before a partition is taken away. Only a partition
// the state has no offset for (its first start) starts at the group's
// committed offset (or the beginning).
class StoredOffsetRebalance : public RdKafka::RebalanceCb {
 public:
  explicit StoredOffsetRebalance(EventConsumer* owner) : owner_(owner) {}
  void rebalance_cb(
      RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
      std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err != RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_->SaveOffsets(/*now=*/true);
      owner_->unsaved_.clear();
      consumer->unassign();
      return;
    }
    for (RdKafka::TopicPartition* tp : partitions) {
      absl::StatusOr<std::optional<int64_t>> stored =
          StoredOffset(tp->topic(), tp->partition());
      if (!stored.ok()) return;  // stopping: nothing is started
      if (stored->has_value()) tp->set_offset(**stored);
    }
    consumer->assign(partitions);
  }

 private:
  // The offset stored with the state. While the store cannot be read (Redis
  // restarting, refusing the login) the consumer is held here and reads
  // again after a back-off: the group's committed offset could skip events
  // whose state Redis lost. CANCELLED once the consumer stops.
  absl::StatusOr<std::optional<int64_t>> StoredOffset(const std::string& topic,
                                                      int32_t partition) {
    absl::Duration backoff = absl::Milliseconds(100);
    while (true) {
      absl::StatusOr<std::optional<int64_t>> stored =
          owner_->offsets_->Load(topic, partition);
      if (stored.ok()) {
        owner_->retrying_ = false;
        return stored;
      }
      owner_->retrying_ = true;
      ++owner_->retries_;
      log::Warn(
          "the offset stored with the state is unreadable; the partition "
          "waits until it can be read",
          {{"group", owner_->settings_.group_id},
           {"topic", topic},
           {"partition", static_cast<int64_t>(partition)},
           {"retry_in_ms", absl::ToInt64Milliseconds(backoff)},
           {"error", stored.status()}});
      const absl::Time until = absl::Now() + backoff;
      while (!owner_->stop_.load() && absl::Now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (owner_->stop_.load()) {
        return absl::CancelledError("the consumer is stopping");
      }
      backoff = std::min(backoff * 2, owner_->settings_.max_backoff);
    }
  }

  EventConsumer* owner_;
};

}  // namespace kafka_internal

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::Create(
    ConsumerSettings settings, EventProducer* dead_letter_producer,
    DedupeStore* dedupe, EventHandler handler, OffsetStore* offsets) {
  if (settings.group_id.empty()) {
    return absl::InvalidArgumentError("consumer group id is empty");
  }
  if (settings.dead_letter_topic.empty() || dead_letter_producer == nullptr) {
    return absl::InvalidArgumentError(
        "a consumer needs a dead-letter topic and producer");
  }
  std::unique_ptr<EventConsumer> c(new EventConsumer());
  c->settings_ = std::move(settings);
  c->dlq_ = dead_letter_producer;
  c->dedupe_ = dedupe;
  c->handler_ = std::move(handler);
  c->offsets_ = offsets;
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  absl::Status s = SetConnectionConfig(conf.get(), c->settings_.kafka);
  if (!s.ok()) return s;
  if (offsets != nullptr) {
    c->rebalance_ =
        std::make_unique<kafka_internal::StoredOffsetRebalance>(c.get());
    std::string err;
    if (conf->set("rebalance_cb", c->rebalance_.get(), err) !=
        RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
  }
  s = SetAll(conf.get(), {{"group.id", c->settings_.group_id},
                          // Commit only offsets we stored after handling.
                          {"enable.auto.commit", "true"},
                          {"enable.auto.offset.store", "false"},
                          {"auto.offset.reset", "earliest"},
                          {"enable.partition.eof", "false"}});
  if (!s.ok()) return s;
  std::string err;
  c->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c->consumer_) {
    return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  }
  if (absl::Status reach =
          CheckReachable(c->consumer_.get(), c->settings_.kafka);
      !reach.ok()) {
    c->consumer_->close();
    return reach;
  }
  RdKafka::ErrorCode code = c->consumer_->subscribe(c->settings_.topics);
  if (code != RdKafka::ERR_NO_ERROR) return KafkaError("subscribe", code);
  return c;
}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventConsumer::Stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  SaveOffsets(/*now=*/true);
  if (consumer_) {
    consumer_->close();  // commits stored offsets and leaves the group
  }
}

int64_t EventConsumer::Lag() const { return lag_.load(); }

void EventConsumer::Run() {
  absl::Duration backoff = absl::Milliseconds(100);
  absl::Time next_lag_update = absl::InfinitePast();
  while (!stop_.load()) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(100));
    if (absl::Now() >= next_lag_update) {
      std::vector<RdKafka::TopicPartition*> parts;
      if (consumer_->assignment(parts) == RdKafka::ERR_NO_ERROR) {
        consumer_->position(parts);
        int64_t lag = 0;
        for (auto* tp : parts) {
          int64_t low = 0, high = 0;
          if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(),
                                               &low, &high) ==
                  RdKafka::ERR_NO_ERROR &&
              tp->offset() >= 0 && high > tp->offset()) {
            lag += high - tp->offset();
          }
        }
        lag_ = lag;
      }
      RdKafka::TopicPartition::destroy(parts);
      next_lag_update = absl::Now() + absl::Seconds(1);
    }
    switch (msg->err()) {
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        SaveOffsets(/*now=*/true);  // idle: the state's offsets catch up
        continue;
      case RdKafka::ERR_NO_ERROR:
        break;
      default:
        log::Warn("kafka consume error",
                  {{"group", settings_.group_id}, {"error", msg->errstr()}});
        continue;
    }
    std::vector<std::unique_ptr<RdKafka::Message>> batch;
    batch.push_back(std::move(msg));
    // With a batch handler, whatever else has arrived (nothing waits).
    while (settings_.batch_handler && batch.size() < kMaxEventBatch) {
      std::unique_ptr<RdKafka::Message> more(consumer_->consume(0));
      if (more->err() == RdKafka::ERR_NO_ERROR) {
        batch.push_back(std::move(more));
        continue;
      }
      if (more->err() != RdKafka::ERR__TIMED_OUT &&
          more->err() != RdKafka::ERR__PARTITION_EOF) {
        log::Warn("kafka consume error",
                  {{"group", settings_.group_id}, {"error", more->errstr()}});
      }
      break;
    }
    const size_t handled = ProcessAll(batch);
    // The next offset of each partition, after what was handled.
    std::map<std::pair<std::string, int32_t>, int64_t> next;
    for (size_t i = 0; i < handled; ++i) {
      next[{batch[i]->topic_name(), batch[i]->partition()}] =
          batch[i]->offset() + 1;
    }
    if (!next.empty()) {
      std::vector<RdKafka::TopicPartition*> offsets;
      for (const auto& [part, offset] : next) {
        offsets.push_back(
            RdKafka::TopicPartition::create(part.first, part.second, offset));
      }
      consumer_->offsets_store(offsets);
      RdKafka::TopicPartition::destroy(offsets);
      if (offsets_ != nullptr) {
        for (const auto& [part, offset] : next) unsaved_[part] = offset;
        SaveOffsets(/*now=*/false);
      }
    }
    if (handled == batch.size()) {
      backoff = absl::Milliseconds(100);
      retrying_ = false;
      continue;
    }
    // Transient failure: wait, then rewind so the same event comes again,
    // and with it every later one of the batch (each partition back to its
    // first event not handled).
    retrying_ = true;
    ++retries_;
    absl::Time until = absl::Now() + backoff;
    while (!stop_.load() && absl::Now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, settings_.max_backoff);
    std::map<std::pair<std::string, int32_t>, int64_t> rewind;
    for (size_t i = handled; i < batch.size(); ++i) {
      rewind.emplace(
          std::make_pair(batch[i]->topic_name(), batch[i]->partition()),
          batch[i]->offset());
    }
    for (const auto& [part, offset] : rewind) {
      std::unique_ptr<RdKafka::TopicPartition> tp(
          RdKafka::TopicPartition::create(part.first, part.second, offset));
      consumer_->seek(*tp, 5000);
    }
  }
}

size_t EventConsumer::ProcessAll(
    const std::vector<std::unique_ptr<RdKafka::Message>>& batch) {
  if (batch.size() > 1 && settings_.batch_handler && ApplyBatch(batch)) {
    return batch.size();
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!Process(*batch[i])) return i;
  }
  return batch.size();
}

bool EventConsumer::ApplyBatch(
    const std::vector<std::unique_ptr<RdKafka::Message>>& batch) {
  std::vector<CloudEvent> events;
  events.reserve(batch.size());
  for (const auto& m : batch) {
    absl::StatusOr<CloudEvent> event = FromMessage(*m);
    // One that does not decode is dead-lettered on its own.
    if (!event.ok()) return false;
    events.push_back(*std::move(event));
  }
  std::vector<bool> seen(events.size(), false);
  std::vector<std::string> ids;
  if (dedupe_) {
    ids.reserve(events.size());
    for (const CloudEvent& e : events) ids.push_back(e.id);
    absl::StatusOr<std::vector<bool>> s = dedupe_->SeenAll(ids);
    if (!s.ok() || s->size() != events.size()) return false;
    seen = *std::move(s);
  }
  std::vector<CloudEvent> fresh;
  std::vector<std::string> fresh_ids;
  fresh.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (seen[i]) continue;
    fresh_ids.push_back(events[i].id);
    fresh.push_back(std::move(events[i]));
  }
  if (!fresh.empty()) {
    absl::Status status =
        kafka_internal::GuardedBatch(settings_.batch_handler, fresh);
    if (!status.ok()) {
      log::Warn("batch handling failed; handling the events one by one",
                {{"group", settings_.group_id},
                 {"events", static_cast<int64_t>(fresh.size())},
                 {"error", status}});
      return false;
    }
    if (dedupe_) {
      if (absl::Status marked = dedupe_->MarkAllDone(fresh_ids); !marked.ok()) {
        // Handled but not marked: at-least-once, the handler is idempotent.
        log::Warn("dedupe mark failed", {{"error", marked}});
      }
    }
  }
  duplicates_ += static_cast<int64_t>(events.size() - fresh.size());
  handled_ += static_cast<int64_t>(fresh.size());
  return true;
}

void EventConsumer::SaveOffsets(bool now) {
  if (offsets_ == nullptr || unsaved_.empty()) return;
  if (!now && absl::Now() < next_save_) return;
  next_save_ = absl::Now() + absl::Milliseconds(100);
  for (auto it = unsaved_.begin(); it != unsaved_.end();) {
    // After the handler's writes on the same Redis: a stored offset never
    // runs ahead of the state it describes.
    absl::Status s =
        offsets_->Save(it->first.first, it->first.second, it->second);
    if (!s.ok()) {
      log::Warn("saving the state's offset failed; will retry",
                {{"group", settings_.group_id}, {"error", s}});
      return;
    }
    it = unsaved_.erase(it);
  }
}

bool EventConsumer::Process(RdKafka::Message& message) {
  absl::StatusOr<CloudEvent> event = FromMessage(message);
  // Handled (or parked) in the event's trace, as a span of its own below
  // the publisher's; one that names no valid trace starts one.
  ScopedTrace trace(
      event.ok() ? ContinueTrace(event->Header(kCloudEventTraceparentHeader),
                                 event->Header(kCloudEventTracestateHeader))
                 : NewTrace());
  absl::Status status;
  if (!event.ok()) {
    status = event.status();
  } else {
    if (dedupe_) {
      absl::StatusOr<bool> seen = dedupe_->Seen(event->id);
      if (!seen.ok()) {
        log::Warn("dedupe lookup failed; will retry",
                  {{"group", settings_.group_id}, {"error", seen.status()}});
        return false;
      }
      if (*seen) {
        ++duplicates_;
        return true;
      }
    }
    status = Guarded(handler_, *event);
    if (status.ok()) {
      if (dedupe_) {
        absl::Status marked = dedupe_->MarkDone(event->id);
        if (!marked.ok()) {
          // Handled but not marked: at-least-once, the handler is idempotent.
          log::Warn("dedupe mark failed", {{"error", marked}});
        }
      }
      ++handled_;
      return true;
    }
    if (IsTransient(status)) {
      log::Warn("event handling failed; will retry",
                {{"group", settings_.group_id},
                 {"topic", message.topic_name()},
                 {"offset", static_cast<int64_t>(message.offset())},
                 {"error", status}});
      return false;
    }
  }
  // Poison: park it on the dead-letter topic, unchanged, with the reason.
  CloudEvent dead;
  if (event.ok()) {
    dead = *event;
  } else {
    dead.id = NewUuid();
    dead.type = "se.lov.platform.v1.undecodable";
    dead.source = "/lov/" + settings_.kafka.client_id;
    dead.time = absl::Now();
    if (message.key()) dead.key = *message.key();
    if (message.payload()) {
      dead.data.assign(static_cast<const char*>(message.payload()),
                       message.len());
    }
  }
  dead.extra_headers.emplace_back("dlq_error", status.ToString());
  dead.extra_headers.emplace_back("dlq_topic", message.topic_name());
  dead.extra_headers.emplace_back("dlq_partition",
                                  std::to_string(message.partition()));
  dead.extra_headers.emplace_back("dlq_offset",
                                  std::to_string(message.offset()));
  dead.extra_headers.emplace_back("dlq_group", settings_.group_id);
  absl::Status parked = dlq_->Publish(settings_.dead_letter_topic, dead);
  if (!parked.ok()) {
    log::Error("dead-letter publish failed; will retry",
               {{"error", parked}, {"topic", settings_.dead_letter_topic}});
    return false;
  }
  ++dead_lettered_;
  log::Warn("event dead-lettered",
            {{"group", settings_.group_id},
             {"topic", message.topic_name()},
             {"offset", static_cast<int64_t>(message.offset())},
             {"error", status}});
  return true;
}

}  // namespace lov
