#include "lov/visits/adapters/kafka_visit_publisher.h"

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
    const std::string& topic =
        events[i].has_visit_rejected() ? rejected_topic_ : topic_;
    producer_->PublishAsync(topic, ToCloudEvent(events[i], kVisitsSource),
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

}  // namespace lov::visits
