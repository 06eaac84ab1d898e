// The producer: idempotent, acks=all, delivery reports polled continuously;
// a write's status says whether it is stored, not stored, or unknown.
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"

namespace lov {

using kafka_internal::CheckReachable;
using kafka_internal::ClientId;
using kafka_internal::ConnectErrors;
using kafka_internal::KafkaError;
using kafka_internal::SetAll;
using kafka_internal::ToHeaders;

namespace kafka_internal {

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

std::vector<std::pair<std::string, std::string>> ProducerConfig(
    const KafkaSettings& settings) {
  return {
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "0"},
      {"compression.type", "lz4"},
      {"message.max.bytes", std::to_string(kMaxEventBytes + 65536)},
      {"delivery.timeout.ms",
       std::to_string(absl::ToInt64Milliseconds(settings.delivery_timeout))}};
}

}  // namespace kafka_internal

absl::StatusOr<std::unique_ptr<EventProducer>> EventProducer::Create(
    const KafkaSettings& settings) {
  std::unique_ptr<EventProducer> p(new EventProducer());
  p->settings_ = settings;
  p->reporter_ = std::make_unique<kafka_internal::DeliveryReporter>();
  p->connect_errors_ = std::make_unique<ConnectErrors>(ClientId(settings));
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  absl::Status s = SetConnectionConfig(conf.get(), settings);
  if (!s.ok()) return s;
  s = SetAll(conf.get(), kafka_internal::ProducerConfig(settings));
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

}  // namespace lov
