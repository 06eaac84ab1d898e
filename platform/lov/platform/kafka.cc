#include "lov/platform/kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"
#include "lov/platform/stockholm_time.h"

namespace lov {
namespace {

constexpr char kHeaderId[] = "ce_id";
constexpr char kHeaderType[] = "ce_type";
constexpr char kHeaderSource[] = "ce_source";
constexpr char kHeaderSpec[] = "ce_specversion";
constexpr char kHeaderTime[] = "ce_time";
constexpr char kHeaderSubject[] = "ce_subject";
constexpr char kHeaderContentType[] = "content-type";

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

std::string SaslUser(const KafkaSettings& settings) {
  for (const auto& [k, v] : settings.security) {
    if (k == "sasl.username") return v;
  }
  return "";
}

}  // namespace

// What librdkafka reports on its own while it connects: a refused login
// (ERR__AUTHENTICATION), or the last other error (e.g. a failed TLS
// handshake). A metadata request that times out says neither. With an event
// callback librdkafka's log lines come here too; warnings and worse are
// logged.
class ConnectErrors : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_LOG &&
        event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
      log::Warn("librdkafka",
                {{"facility", event.fac()}, {"message", event.str()}});
    }
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    std::lock_guard<std::mutex> lock(mu_);
    (event.err() == RdKafka::ERR__AUTHENTICATION ? refused_ : other_) =
        event.str();
  }
  std::string refused() {
    std::lock_guard<std::mutex> lock(mu_);
    return refused_;
  }
  std::string other() {
    std::lock_guard<std::mutex> lock(mu_);
    return other_;
  }

 private:
  std::mutex mu_;
  std::string refused_, other_;
};

namespace {

// Asks the cluster for metadata; a clear error if nobody answers. With
// `errors` (events of `handle`, served by poll()), it asks in short slices
// so that refused credentials end the wait at once with their own message.
absl::Status CheckReachable(RdKafka::Handle* handle,
                            const KafkaSettings& settings,
                            ConnectErrors* errors = nullptr) {
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

std::unique_ptr<RdKafka::Headers> ToHeaders(const CloudEvent& e) {
  std::unique_ptr<RdKafka::Headers> h(RdKafka::Headers::create());
  h->add(kHeaderId, e.id);
  h->add(kHeaderType, e.type);
  h->add(kHeaderSource, e.source);
  h->add(kHeaderSpec, "1.0");
  h->add(kHeaderTime, FormatRfc3339Utc(e.time));
  if (!e.subject.empty()) h->add(kHeaderSubject, e.subject);
  h->add(kHeaderContentType,
         e.content_type.empty() ? kProtobufContentType : e.content_type);
  for (const auto& [k, v] : e.extra_headers) h->add(k, v);
  return h;
}

// Decodes a consumed message; InvalidArgument names what is missing.
absl::StatusOr<CloudEvent> FromMessage(RdKafka::Message& m) {
  CloudEvent e;
  e.topic = m.topic_name();
  e.partition = m.partition();
  e.offset = m.offset();
  if (m.key()) e.key = *m.key();
  if (m.payload()) {
    e.data.assign(static_cast<const char*>(m.payload()), m.len());
  }
  RdKafka::Headers* headers = m.headers();
  std::string time_text, spec;
  if (headers) {
    for (const auto& h : headers->get_all()) {
      std::string value(h.value_string() ? h.value_string() : "",
                        h.value_size());
      const std::string& k = h.key();
      if (k == kHeaderId)
        e.id = value;
      else if (k == kHeaderType)
        e.type = value;
      else if (k == kHeaderSource)
        e.source = value;
      else if (k == kHeaderSpec)
        spec = value;
      else if (k == kHeaderTime)
        time_text = value;
      else if (k == kHeaderSubject)
        e.subject = value;
      else if (k == kHeaderContentType)
        e.content_type = value;
      else
        e.extra_headers.emplace_back(k, value);
    }
  }
  if (e.id.empty()) return absl::InvalidArgumentError("missing header ce_id");
  if (e.type.empty()) {
    return absl::InvalidArgumentError("missing header ce_type");
  }
  if (spec != "1.0") {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_specversion is '", spec, "', expected 1.0"));
  }
  auto t = ParseRfc3339(time_text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_time: ", t.status().message()));
  }
  e.time = *t;
  return e;
}

}  // namespace

std::string CloudEvent::Header(const std::string& name) const {
  for (const auto& [k, v] : extra_headers) {
    if (k == name) return v;
  }
  return "";
}

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

CloudEvent MakeEvent(std::string source, std::string type, std::string subject,
                     std::string message_type, std::string data) {
  CloudEvent e;
  e.id = NewUuid();
  e.source = std::move(source);
  e.type = std::move(type);
  e.subject = std::move(subject);
  e.time = absl::Now();
  e.content_type = absl::StrCat(kProtobufContentType, "; proto=", message_type);
  e.data = std::move(data);
  return e;
}

// ---------------------------------------------------------------- topics

std::vector<std::pair<std::string, std::string>> ConnectionConfig(
    const KafkaSettings& settings, const std::string& client_id) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"bootstrap.servers", settings.brokers},
      {"client.id", !client_id.empty()            ? client_id
                    : !settings.client_id.empty() ? settings.client_id
                                                  : "lov"}};
  for (const auto& kv : settings.security) {
    if (!kv.second.empty()) out.push_back(kv);
  }
  return out;
}

absl::Status SetConnectionConfig(RdKafka::Conf* conf,
                                 const KafkaSettings& settings,
                                 const std::string& client_id) {
  return SetAll(conf, ConnectionConfig(settings, client_id));
}

std::map<std::string, std::string> EventTopicConfig() {
  return {{"retention.ms", "-1"},
          {"max.message.bytes", std::to_string(kMaxEventBytes)}};
}

absl::Status EnsureTopics(const KafkaSettings& settings,
                          const std::vector<TopicSpec>& topics) {
  if (topics.empty()) return absl::OkStatus();
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
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

// ---------------------------------------------------------------- producer

// Owns the per-message callbacks; librdkafka hands each one back through the
// message opaque in the delivery report.
class DeliveryReporter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* done =
        static_cast<EventProducer::DoneCallback*>(message.msg_opaque());
    if (!done) return;
    absl::Status status;
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      status = KafkaError(absl::StrCat("delivery to ", message.topic_name()),
                          message.err());
      // Sent, but no acknowledgement: the broker may have stored it.
      if (message.status() != RdKafka::Message::MSG_STATUS_NOT_PERSISTED) {
        status = absl::DeadlineExceededError(
            absl::StrCat(status.message(), " (the broker may have stored it)"));
      }
    }
    (*done)(status);
    delete done;
  }
};

absl::StatusOr<std::unique_ptr<EventProducer>> EventProducer::Create(
    const KafkaSettings& settings) {
  std::unique_ptr<EventProducer> p(new EventProducer());
  p->settings_ = settings;
  p->reporter_ = std::make_unique<DeliveryReporter>();
  p->connect_errors_ = std::make_unique<ConnectErrors>();
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  absl::Status s = SetConnectionConfig(conf.get(), settings);
  if (!s.ok()) return s;
  s = SetAll(
      conf.get(),
      {{"enable.idempotence", "true"},
       {"acks", "all"},
       {"linger.ms", "2"},
       {"compression.type", "lz4"},
       {"message.max.bytes", std::to_string(kMaxEventBytes + 65536)},
       {"delivery.timeout.ms",
        std::to_string(absl::ToInt64Milliseconds(settings.delivery_timeout))}});
  if (!s.ok()) return s;
  std::string err;
  if (conf->set("dr_cb", p->reporter_.get(), err) != RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", p->connect_errors_.get(), err) !=
          RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  p->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!p->producer_) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
  if (absl::Status reach = CheckReachable(p->producer_.get(), settings,
                                          p->connect_errors_.get());
      !reach.ok()) {
    return reach;
  }
  p->poller_ = std::thread([raw = p.get()] { raw->PollLoop(); });
  return p;
}

void EventProducer::PollLoop() {
  while (!stop_.load()) producer_->poll(50);
}

EventProducer::~EventProducer() {
  if (producer_) {
    absl::Status s = Flush(settings_.delivery_timeout);
    if (!s.ok())
      log::Error("producer flush on shutdown failed", {{"error", s}});
  }
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  if (producer_) producer_->poll(0);
}

void EventProducer::PublishAsync(const std::string& topic,
                                 const CloudEvent& event, DoneCallback done) {
  metrics::Counter* produced = &metrics::Registry::Default().GetCounter(
      "lov_events_produced_total",
      "Events written to Kafka (acknowledged by the broker), per topic",
      {{"topic", topic}});
  auto* callback =
      new DoneCallback([produced, done = std::move(done)](absl::Status status) {
        if (status.ok()) produced->Inc();
        if (done) done(std::move(status));
      });
  std::unique_ptr<RdKafka::Headers> headers = ToHeaders(event);
  const std::string& key = event.key.empty() ? event.subject : event.key;
  absl::Time give_up = absl::Now() + settings_.delivery_timeout;
  while (true) {
    RdKafka::ErrorCode code = producer_->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(event.data.data()), event.data.size(), key.data(),
        key.size(), 0, headers.get(), callback);
    if (code == RdKafka::ERR_NO_ERROR) {
      headers.release();  // librdkafka owns the headers now
      return;
    }
    // A full local queue drains as the poll thread gets delivery reports.
    if (code == RdKafka::ERR__QUEUE_FULL && absl::Now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    (*callback)(KafkaError(absl::StrCat("produce to ", topic), code));
    delete callback;
    return;
  }
}

namespace {
// Counts outstanding deliveries and keeps the first error.
struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;
  absl::Status first_error;
  bool any_stored = false;
  void Done(absl::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    any_stored = any_stored || s.ok();
    // An unknown outcome outranks a definite failure.
    if (!s.ok() &&
        (first_error.ok() || (absl::IsDeadlineExceeded(s) &&
                              !absl::IsDeadlineExceeded(first_error)))) {
      first_error = s;
    }
    if (--pending == 0) cv.notify_all();
  }
  // Some events stored and some not is no "nothing written" either.
  absl::Status Outcome() const {
    if (first_error.ok() || !any_stored ||
        absl::IsDeadlineExceeded(first_error)) {
      return first_error;
    }
    return absl::DeadlineExceededError(
        absl::StrCat(first_error.message(),
                     " (other events of the same change were stored)"));
  }
};
}  // namespace

absl::Status EventProducer::Publish(const std::string& topic,
                                    const CloudEvent& event) {
  return PublishAll(topic, {event});
}

absl::Status EventProducer::PublishAll(const std::string& topic,
                                       const std::vector<CloudEvent>& events) {
  auto waiter = std::make_shared<Waiter>();
  waiter->pending = static_cast<int>(events.size());
  for (const CloudEvent& e : events) {
    PublishAsync(topic, e, [waiter](absl::Status s) { waiter->Done(s); });
  }
  std::unique_lock<std::mutex> lock(waiter->mu);
  // delivery.timeout.ms bounds every message, so this wait ends; the extra
  // margin only guards against a lost callback.
  bool finished = waiter->cv.wait_for(
      lock,
      absl::ToChronoMilliseconds(settings_.delivery_timeout) +
          std::chrono::seconds(10),
      [&] { return waiter->pending == 0; });
  if (!finished) {
    // Unknown outcome: the events may be stored.
    return absl::DeadlineExceededError(
        absl::StrCat("no delivery report from Kafka for ", topic));
  }
  return waiter->Outcome();
}

absl::Status EventProducer::Flush(absl::Duration timeout) {
  RdKafka::ErrorCode code =
      producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (code != RdKafka::ERR_NO_ERROR) return KafkaError("flush", code);
  return absl::OkStatus();
}

// ---------------------------------------------------------------- consumer

// Starts each assigned partition at the offset stored with the state;
// saves what was handled before a partition is taken away.
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
          owner_->offsets_->Load(tp->topic(), tp->partition());
      if (!stored.ok()) {
        log::Warn("stored offset unreadable; starting at the group's",
                  {{"group", owner_->settings_.group_id},
                   {"topic", tp->topic()},
                   {"partition", static_cast<int64_t>(tp->partition())},
                   {"error", stored.status()}});
        continue;
      }
      if (stored->has_value()) tp->set_offset(**stored);
    }
    consumer->assign(partitions);
  }

 private:
  EventConsumer* owner_;
};

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
    c->rebalance_ = std::make_unique<StoredOffsetRebalance>(c.get());
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
    if (Process(*msg)) {
      backoff = absl::Milliseconds(100);
      retrying_ = false;
      std::vector<RdKafka::TopicPartition*> offsets = {
          RdKafka::TopicPartition::create(msg->topic_name(), msg->partition(),
                                          msg->offset() + 1)};
      consumer_->offsets_store(offsets);
      RdKafka::TopicPartition::destroy(offsets);
      if (offsets_ != nullptr) {
        unsaved_[{msg->topic_name(), msg->partition()}] = msg->offset() + 1;
        SaveOffsets(/*now=*/false);
      }
      continue;
    }
    // Transient failure: wait, then rewind so the same event comes again.
    retrying_ = true;
    ++retries_;
    absl::Time until = absl::Now() + backoff;
    while (!stop_.load() && absl::Now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, settings_.max_backoff);
    std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(
        msg->topic_name(), msg->partition(), msg->offset()));
    consumer_->seek(*tp, 5000);
  }
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

absl::Status Guarded(const EventHandler& handler, const CloudEvent& event) {
  try {
    return handler(event);
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

bool EventConsumer::Process(RdKafka::Message& message) {
  absl::StatusOr<CloudEvent> event = FromMessage(message);
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

// ---------------------------------------------------------------- replay

absl::Status ReplayTopics(const KafkaSettings& settings,
                          const std::vector<std::string>& topics,
                          const EventHandler& handler, int64_t* replayed,
                          OffsetStore* offsets) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  absl::Status s =
      SetConnectionConfig(conf.get(), settings, settings.client_id + "-replay");
  if (!s.ok()) return s;
  s = SetAll(conf.get(), {{"group.id", "lov-replay-" + NewUuid()},
                          {"enable.auto.commit", "false"},
                          {"enable.partition.eof", "false"}});
  if (!s.ok()) return s;
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return absl::InternalError(err);
  if (absl::Status reach = CheckReachable(consumer.get(), settings);
      !reach.ok()) {
    consumer->close();
    return reach;
  }
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
  int64_t count = 0;
  absl::Status result;
  if (!assignment.empty()) {
    consumer->assign(assignment);
    absl::Duration backoff = absl::Milliseconds(100);
    while (!end_offsets.empty()) {
      std::unique_ptr<RdKafka::Message> msg(consumer->consume(500));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        result = KafkaError("replay", msg->err());
        break;
      }
      auto key = std::make_pair(msg->topic_name(), msg->partition());
      auto end = end_offsets.find(key);
      if (end == end_offsets.end()) continue;
      absl::StatusOr<CloudEvent> event = FromMessage(*msg);
      if (event.ok()) {
        absl::Status hs = Guarded(handler, *event);
        if (!hs.ok() && IsTransient(hs)) {
          log::Warn("replay: event handling failed; will retry",
                    {{"topic", msg->topic_name()},
                     {"offset", static_cast<int64_t>(msg->offset())},
                     {"error", hs}});
          std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
          backoff = std::min(backoff * 2, absl::Seconds(5));
          std::unique_ptr<RdKafka::TopicPartition> tp(
              RdKafka::TopicPartition::create(msg->topic_name(),
                                              msg->partition(), msg->offset()));
          consumer->seek(*tp, timeout_ms);
          continue;
        }
        backoff = absl::Milliseconds(100);
        if (!hs.ok()) {
          log::Warn("replay skipped poison event",
                    {{"topic", msg->topic_name()},
                     {"offset", static_cast<int64_t>(msg->offset())},
                     {"error", hs}});
        }
      }
      ++count;
      if (msg->offset() + 1 >= end->second) end_offsets.erase(end);
    }
    consumer->unassign();
  }
  RdKafka::TopicPartition::destroy(assignment);
  consumer->close();
  if (replayed) *replayed = count;
  if (offsets != nullptr && result.ok()) {
    for (const auto& [part, end] : ends) {
      result = offsets->Save(part.first, part.second, end);
      if (!result.ok()) break;
    }
  }
  return result;
}

}  // namespace lov
