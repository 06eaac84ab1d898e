#ifndef LOV_PLATFORM_PROJECTION_H_
#define LOV_PLATFORM_PROJECTION_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"
#include "lov/platform/service_host.h"

namespace lov {

struct ProjectionSettings {
  std::string name;  // e.g. "registry"; also the consumer group suffix
  std::vector<std::string> topics;
  std::string dead_letter_topic;
  // Present in Redis once the state has been built; wiping the service's
  // keys removes it, and the next start rebuilds from the topics.
  std::string ready_key;
};

// Keeps a service's Redis state in step with its topics. On start, if the
// ready key is missing, it replays the topics from the beginning (the state
// rebuild), then sets the key; then it joins the consumer group
// "<service>.<name>" and applies new events as they come, starting each
// partition at the offset stored with the state ("<prefix>:offsets:<name>",
// see OffsetStore): a state that lost its last writes reads them again. `apply`
// must be idempotent (it sees events again after a rebuild or a redelivery).
class Projection {
 public:
  static absl::StatusOr<std::unique_ptr<Projection>> Start(
      const CommonSettings& common, ProjectionSettings settings,
      RedisClient* redis, EventProducer* producer, EventHandler apply);
  ~Projection();
  void Stop();
  int64_t replayed() const { return replayed_; }
  EventConsumer& consumer() { return *consumer_; }

 private:
  Projection() = default;
  // Lets the metrics collector outlive the consumer safely.
  struct LiveConsumer {
    std::mutex mu;
    EventConsumer* consumer = nullptr;
  };
  std::shared_ptr<LiveConsumer> live_;
  std::unique_ptr<RedisDedupeStore> dedupe_;
  // How far the state has read each partition, kept with the state.
  std::unique_ptr<RedisOffsetStore> offsets_;
  std::unique_ptr<EventConsumer> consumer_;
  int64_t replayed_ = 0;
};

}  // namespace lov

#endif  // LOV_PLATFORM_PROJECTION_H_
