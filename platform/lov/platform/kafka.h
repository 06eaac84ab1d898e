#ifndef LOV_PLATFORM_KAFKA_H_
#define LOV_PLATFORM_KAFKA_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace RdKafka {
class Conf;
class Producer;
class KafkaConsumer;
class Message;
}  // namespace RdKafka

namespace lov {
namespace kafka_internal {
class ConnectErrors;
class DeliveryReporter;
class StoredOffsetRebalance;
}  // namespace kafka_internal

// One event as it travels on Kafka: CloudEvents 1.0 binary mode, i.e. the
// attributes are Kafka headers (ce_id, ce_type, ...), the body is the
// protobuf-encoded payload and the Kafka key is the aggregate id.
struct CloudEvent {
  std::string id;       // ce_id: unique per event, the dedupe key
  std::string type;     // ce_type, e.g. "se.lov.registry.v1.provider_approved"
  std::string source;   // ce_source, e.g. "/lov/registry"
  std::string subject;  // ce_subject: the aggregate id
  absl::Time time;      // ce_time
  std::string content_type;  // content-type, e.g. application/protobuf; ...
  std::string key;           // Kafka key; defaults to subject when empty
  std::string data;          // protobuf-encoded body
  std::vector<std::pair<std::string, std::string>> extra_headers;

  // Filled in by the consumer.
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;

  std::string Header(const std::string& name) const;
};

inline constexpr char kProtobufContentType[] = "application/protobuf";

struct KafkaSettings {
  std::string brokers;    // "host:port[,host:port]"
  std::string client_id;  // service name
  // How long a write may take before it is reported as failed.
  absl::Duration delivery_timeout = absl::Seconds(30);
  // How long start-up waits for the broker before giving up with a message.
  absl::Duration connect_timeout = absl::Seconds(15);
  // How to authenticate and encrypt, given to librdkafka as they are:
  // security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL),
  // sasl.mechanisms (e.g. SCRAM-SHA-512), sasl.username, sasl.password,
  // ssl.ca.location. Empty: plaintext, as on the local stack.
  std::vector<std::pair<std::string, std::string>> security;
  // How long a replay (ReplayTopics) with a batch handler waits for the next
  // event, when librdkafka has none queued, before handing on a batch
  // smaller than kMaxEventBatch: events arrive fetch by fetch, and between
  // two fetches the queue is briefly empty. Zero: hands on what has arrived.
  absl::Duration replay_gather = absl::Milliseconds(20);
  // Whether a replay with a batch handler handles each batch on a thread of
  // its own while it reads and decodes the next (kafka_replay_sink.h); the
  // handlers still see one batch at a time, in order. False: reads, then
  // handles, in turn.
  bool replay_overlap = true;
};

// What every client of the cluster is configured with: bootstrap.servers,
// client.id (`client_id`, default the settings') and the security settings.
std::vector<std::pair<std::string, std::string>> ConnectionConfig(
    const KafkaSettings& settings, const std::string& client_id = "");
// Sets them on a librdkafka configuration, with Nagle's algorithm off
// (socket.nagle.disable); INVALID_ARGUMENT naming the setting librdkafka
// refuses.
absl::Status SetConnectionConfig(RdKafka::Conf* conf,
                                 const KafkaSettings& settings,
                                 const std::string& client_id = "");

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
  std::map<std::string, std::string> config;
};

// The largest event the platform writes or reads (an approved statement of
// a large provider carries every line's sources).
inline constexpr int kMaxEventBytes = 16 << 20;

// Topic settings of every event topic (a system of record): kept forever,
// events up to kMaxEventBytes. Whichever service creates a topic first uses
// these, so they are the same everywhere.
std::map<std::string, std::string> EventTopicConfig();

// The rejected visit reports' topic (topics::kVisitsRejected) keeps each
// event for `keep` (how long the visits service keeps a rejection) plus
// kRejectedTopicMargin, so a rebuild still finds every rejection the
// serving state keeps; and at most kRejectedTopicBytes per partition
// (oldest segments deleted first), so a looping client cannot fill the
// disks. Deleted, never compacted.
inline constexpr absl::Duration kRejectedTopicMargin = absl::Hours(24);
inline constexpr int64_t kRejectedTopicBytes = int64_t{1} << 30;  // 1 GiB
std::map<std::string, std::string> RejectedTopicConfig(absl::Duration keep);

// A consuming service's dead-letter topic (topics::DeadLetter) keeps each
// parked event kDeadLetterRetention, long enough to read its dlq_error and
// replay it after a fix, then deletes it (k8s/base/kafka/topics.yaml says
// the same; tests/unit/topic_config_test.cc holds the two together). A
// parked event is the original, unchanged, with its dlq_* headers: up to
// kMaxEventBytes and room for those.
inline constexpr absl::Duration kDeadLetterRetention = absl::Hours(24 * 30);
inline constexpr int kMaxDeadLetterBytes = kMaxEventBytes + (64 << 10);
std::map<std::string, std::string> DeadLetterTopicConfig();

// The settings a topic of the platform is created with, by its base name:
// RejectedTopicConfig (with the default retention) for the rejected visit
// reports, DeadLetterTopicConfig for dead-letter topics, EventTopicConfig for
// the others.
std::map<std::string, std::string> TopicConfigOf(const std::string& base);

// OK if a topic with `config` (its settings as the broker describes them)
// keeps every event at least `keep`; FAILED_PRECONDITION naming the topic,
// its retention.ms and what it needs otherwise.
absl::Status CheckKeepsFor(const std::string& topic,
                           const std::map<std::string, std::string>& config,
                           absl::Duration keep);

// The settings of an existing topic (DescribeConfigs), name -> value.
absl::StatusOr<std::map<std::string, std::string>> DescribeTopicConfig(
    const KafkaSettings& settings, const std::string& topic);

// Creates the topics that do not exist yet (existing ones are left alone).
absl::Status EnsureTopics(const KafkaSettings& settings,
                          const std::vector<TopicSpec>& topics);

// Idempotent producer with acks=all. A background thread polls for delivery
// reports continuously, so callbacks fire and queue space is freed even when
// nobody is waiting.
class EventProducer {
 public:
  using DoneCallback = std::function<void(absl::Status)>;

  // Fails (with the broker address in the message) if the cluster cannot be
  // reached within settings.connect_timeout.
  static absl::StatusOr<std::unique_ptr<EventProducer>> Create(
      const KafkaSettings& settings);
  ~EventProducer();

  // Returns only once the event is durably written (acknowledged by all
  // in-sync replicas), or the error: UNAVAILABLE (and the like) when it
  // was definitely not stored, DEADLINE_EXCEEDED when the outcome is
  // unknown (sent but not acknowledged: the broker may have stored it).
  absl::Status Publish(const std::string& topic, const CloudEvent& event);
  // Same, for several events: all are sent before waiting, so the cost is one
  // round trip. Returns the first error (DEADLINE_EXCEEDED if any outcome
  // is unknown or some events were stored and others not); events are never
  // reordered per key.
  absl::Status PublishAll(const std::string& topic,
                          const std::vector<CloudEvent>& events);
  // Enqueues and returns; `done` runs on the poll thread with the outcome.
  void PublishAsync(const std::string& topic, const CloudEvent& event,
                    DoneCallback done);
  // Waits until everything enqueued is delivered or `timeout` passes.
  absl::Status Flush(absl::Duration timeout);

 private:
  EventProducer() = default;
  void PollLoop();

  // The callbacks librdkafka calls, declared before the producer so that
  // they outlive it: it still calls them while it is being destroyed.
  std::unique_ptr<kafka_internal::DeliveryReporter> reporter_;
  // Why start-up could not connect (refused credentials, TLS).
  std::unique_ptr<kafka_internal::ConnectErrors> connect_errors_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stop_{false};
  std::thread poller_;
  KafkaSettings settings_;
};

// Decides whether an event was already handled (dedupe on ce_id).
class DedupeStore {
 public:
  virtual ~DedupeStore() = default;
  virtual absl::StatusOr<bool> Seen(const std::string& event_id) = 0;
  virtual absl::Status MarkDone(const std::string& event_id) = 0;
  // The same for several events (a batch): by default one call each; a
  // store on a server overrides them with one round trip.
  virtual absl::StatusOr<std::vector<bool>> SeenAll(
      const std::vector<std::string>& event_ids);
  virtual absl::Status MarkAllDone(const std::vector<std::string>& event_ids);
};

// How far a consumer's handler has brought the state it serves, kept WITH
// that state (not only in Kafka's consumer group): per topic partition, the
// offset of the next event to handle. A consumer starts each partition it
// is assigned from here, so a state that lost its last writes (Redis lost
// its last second, restored from a backup) is brought up to date again
// from the log, even if the group had already committed further.
class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual absl::StatusOr<std::optional<int64_t>> Load(const std::string& topic,
                                                      int32_t partition) = 0;
  // Records `next_offset` unless a larger one is recorded already.
  virtual absl::Status Save(const std::string& topic, int32_t partition,
                            int64_t next_offset) = 0;
};

// Handler outcome: OK = processed; UNAVAILABLE / DEADLINE_EXCEEDED / ABORTED /
// RESOURCE_EXHAUSTED / INTERNAL = transient (an outage of Redis or Kafka:
// see RedisErrorStatus), the same event is retried after a back-off and its
// partition waits; anything else = poison (the event itself is bad: it does
// not decode or fails validation), the event goes to the dead-letter topic
// with the error in its headers and consumption moves on.
using EventHandler = std::function<absl::Status(const CloudEvent&)>;

// Optional, beside an EventHandler: handles several events at once (e.g. one
// Redis round trip for all), given in the order they were read (each
// partition's in offset order). OK = every event handled. Any error: the
// same events are handled again one by one by the EventHandler, whose status
// decides for each (retry, dead letter), so a batch handler needs nothing
// beyond being idempotent, like the EventHandler. How full a batch is: the
// live consumer (EventConsumer) hands on what had arrived already, without
// waiting; the replay (ReplayTopics) waits up to KafkaSettings::replay_gather
// (--replay-gather-ms) for the next fetch before handing on a partial batch,
// so its batches are full (kMaxEventBatch) except at the topics' end.
using BatchEventHandler =
    std::function<absl::Status(const std::vector<CloudEvent>&)>;
// How many events a consumer or a replay hands to a BatchEventHandler at most.
inline constexpr size_t kMaxEventBatch = 500;

bool IsTransient(const absl::Status& status);

// `handler` on `event`, with no exception escaping: out of memory is
// RESOURCE_EXHAUSTED (retried), any other exception DATA_LOSS naming it
// (the event is dead-lettered with the reason; the process goes on).
absl::Status Guarded(const EventHandler& handler, const CloudEvent& event);

struct ConsumerSettings {
  KafkaSettings kafka;
  std::string group_id;
  std::vector<std::string> topics;
  std::string dead_letter_topic;
  absl::Duration max_backoff = absl::Seconds(5);
  // Optional: events handled kMaxEventBatch at a time (see
  // BatchEventHandler), deduplicated and their offsets stored per batch.
  BatchEventHandler batch_handler;
};

// Consumer-group member, at-least-once: an offset is stored only after its
// event has been handled (or dead-lettered); auto-commit commits stored
// offsets only. Runs its own thread between Start() and Stop().
class EventConsumer {
 public:
  // With `offsets`, each assigned partition starts at its stored offset
  // (at the group's committed one only if none is stored: the first start),
  // and handled offsets are saved there after the handler's writes (at most
  // every 100 ms, and when idle). While the stored offsets cannot be read
  // (Redis down), the consumer waits and reads again with back-off; no
  // partition starts meanwhile.
  static absl::StatusOr<std::unique_ptr<EventConsumer>> Create(
      ConsumerSettings settings, EventProducer* dead_letter_producer,
      DedupeStore* dedupe, EventHandler handler,
      OffsetStore* offsets = nullptr);
  ~EventConsumer();

  void Start();
  // Stops polling, commits what was stored and leaves the group.
  void Stop();

  int64_t handled() const { return handled_.load(); }
  int64_t duplicates() const { return duplicates_.load(); }
  int64_t dead_lettered() const { return dead_lettered_.load(); }
  // True while the consumer holds on to an event it could not handle for a
  // transient reason (its offset not stored, nothing dead-lettered), until
  // that event is handled, or waits for the offsets stored with the state to
  // be readable; retries() counts every such attempt.
  bool retrying() const { return retrying_.load(); }
  int64_t retries() const { return retries_.load(); }
  // Sum over assigned partitions of (high watermark - position).
  int64_t Lag() const;

 private:
  EventConsumer() = default;
  void Run();
  // Returns false if the message must be retried.
  bool Process(RdKafka::Message& message);
  // How many of `batch` were handled, in order (all of them, or up to the
  // one that must be retried): by the batch handler in one go, else one by
  // one with Process.
  size_t ProcessAll(
      const std::vector<std::unique_ptr<RdKafka::Message>>& batch);
  // Whether the batch handler handled all of `batch` (false: nothing is
  // counted, and the events are handled one by one).
  bool ApplyBatch(const std::vector<std::unique_ptr<RdKafka::Message>>& batch);
  // Saves the handled offsets not saved yet (all of them if `now`).
  void SaveOffsets(bool now);
  friend class kafka_internal::StoredOffsetRebalance;

  ConsumerSettings settings_;
  // Declared before the consumer: librdkafka calls it until it is gone.
  std::unique_ptr<kafka_internal::StoredOffsetRebalance> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  EventProducer* dlq_ = nullptr;
  DedupeStore* dedupe_ = nullptr;
  OffsetStore* offsets_ = nullptr;
  std::map<std::pair<std::string, int32_t>, int64_t> unsaved_;
  absl::Time next_save_ = absl::InfinitePast();
  EventHandler handler_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> handled_{0}, duplicates_{0}, dead_lettered_{0};
  std::atomic<bool> retrying_{false};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> lag_{0};
  std::thread thread_;
};

// Reads `topics` from the beginning up to their end as of the call and hands
// every event to `handler` in partition order (no consumer group, nothing
// committed). Used to rebuild a service's Redis state. Transient handler
// errors are retried; poison events are skipped here because the live
// consumer group has already dead-lettered them.
// With `offsets`, the end offsets replayed are saved there at the end, so
// that the consumer group continues from them. With `batch_handler`, the
// events are handed to it kMaxEventBatch at a time (what has arrived), and to
// `handler` one by one only when a batch fails; a batch is handed on when it
// is full, when the topics' end is reached, or when no event came for
// settings.replay_gather. Its fetches are large (max.partition.fetch.bytes
// 16 MiB unless `settings.security` names it).
absl::Status ReplayTopics(const KafkaSettings& settings,
                          const std::vector<std::string>& topics,
                          const EventHandler& handler,
                          int64_t* replayed = nullptr,
                          OffsetStore* offsets = nullptr,
                          const BatchEventHandler& batch_handler = nullptr);

// Builds a CloudEvent with a fresh id and the current time.
CloudEvent MakeEvent(std::string source, std::string type, std::string subject,
                     std::string message_type, std::string data);

}  // namespace lov

#endif  // LOV_PLATFORM_KAFKA_H_
