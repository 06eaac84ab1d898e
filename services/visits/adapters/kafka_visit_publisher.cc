#include "lov/visits/adapters/kafka_visit_publisher.h"

#include <librdkafka/rdkafkacpp.h>

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "lov/platform/event_envelope.h"

namespace lov::visits {

std::vector<absl::Status> KafkaVisitPublisher::PublishBatch(
    const std::vector<v1::VisitEvent>& events) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    size_t pending = 0;
    std::vector<absl::Status> statuses;
  };
  auto w = std::make_shared<Waiter>();
  w->pending = events.size();
  w->statuses.resize(events.size(),
                     absl::DeadlineExceededError("no delivery report"));
  for (size_t i = 0; i < events.size(); ++i) {
    producer_->PublishAsync(topic_, ToCloudEvent(events[i], kVisitsSource),
                            [w, i](absl::Status s) {
                              std::lock_guard<std::mutex> lock(w->mu);
                              w->statuses[i] = std::move(s);
                              if (--w->pending == 0) w->cv.notify_all();
                            });
  }
  std::unique_lock<std::mutex> lock(w->mu);
  // delivery.timeout.ms bounds each message; the margin guards against a
  // lost callback.
  w->cv.wait_for(lock, std::chrono::seconds(45),
                 [&] { return w->pending == 0; });
  return w->statuses;
}

absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> KafkaTopicEnd::Create(
    const KafkaSettings& settings, std::string topic) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  if (absl::Status s = SetConnectionConfig(conf.get(), settings,
                                           settings.client_id + "-watermarks");
      !s.ok()) {
    return s;
  }
  std::unique_ptr<KafkaTopicEnd> t(new KafkaTopicEnd());
  t->handle_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!t->handle_)
    return absl::InvalidArgumentError(absl::StrCat("kafka: ", err));
  t->topic_ = std::move(topic);
  return t;
}

KafkaTopicEnd::~KafkaTopicEnd() = default;

absl::StatusOr<std::map<int32_t, int64_t>> KafkaTopicEnd::HighWatermarks() {
  std::string err;
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(handle_.get(), topic_, nullptr, err));
  if (!topic) return absl::UnavailableError(absl::StrCat("kafka: ", err));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code = handle_->metadata(false, topic.get(), &raw, 10000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka metadata of ", topic_,
                                               ": ", RdKafka::err2str(code)));
  }
  std::map<int32_t, int64_t> out;
  for (const auto* tm : *metadata->topics()) {
    for (const auto* pm : *tm->partitions()) {
      int64_t low = 0, high = 0;
      code = handle_->query_watermark_offsets(topic_, pm->id(), &low, &high,
                                              10000);
      if (code != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat(
            "kafka watermarks of ", topic_, ": ", RdKafka::err2str(code)));
      }
      out[pm->id()] = high;
    }
  }
  if (out.empty()) return absl::UnavailableError("kafka: no partitions");
  return out;
}

}  // namespace lov::visits
