#ifndef LOV_PLATFORM_PROJECTION_H_
#define LOV_PLATFORM_PROJECTION_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/kafka.h"
#include "lov/platform/periodic_runner.h"
#include "lov/platform/redis.h"
#include "lov/platform/service_host.h"

namespace lov {

// The exit code of a service that found its state gone while it ran.
inline constexpr int kStateLostExitCode = 75;  // EX_TEMPFAIL: restart me

struct ProjectionSettings {
  std::string name;  // e.g. "registry"; also the consumer group suffix
  std::vector<std::string> topics;
  std::string dead_letter_topic;
  // Present in Redis once the state has been built; wiping the service's
  // keys removes it, and the next start rebuilds from the topics.
  std::string ready_key;
  // How often the running service checks that the ready key is still
  // there (Redis wiped, or restarted without its data, while it ran).
  absl::Duration ready_check_every = absl::Seconds(2);
  // Optional: applies many events at once, in the rebuild and as they come
  // (see BatchEventHandler); `apply` still decides any event a batch failed.
  BatchEventHandler apply_batch;
  // Whether the consumer skips events it has handled already by their id
  // (a Redis key per event, kept 30 days). A projection whose `apply` is
  // idempotent by itself (e.g. by aggregate version) can leave it out and
  // save the key and two commands per event.
  bool dedupe = true;
};

// Writes a projection's batch handler collects while it decides a batch of
// events, sent to Redis in one pipeline in the order they were added (a
// script call by its SHA, each distinct script loaded once), so the
// state after Run is the one the same writes made one call each would
// leave. Any error reply fails the whole Run (some writes may have been
// made): the batch is then handled again one by one, so every write added
// must be idempotent, as the projection's `apply` is. Not thread-safe: one
// per batch handler.
class RedisWriteBatch {
 public:
  void AddCommand(std::vector<std::string> args);
  void AddScript(const std::string& source,
                 const std::vector<std::string>& keys,
                 const std::vector<std::string>& args);
  size_t size() const { return calls_.size(); }
  bool empty() const { return calls_.empty(); }
  // Sends what was added (one pipeline; one more the first time a script is
  // seen) and empties the batch; the replies in the order added.
  absl::StatusOr<std::vector<RedisReply>> Run(RedisClient* redis);
  void Clear() { calls_.clear(); }

 private:
  struct Call {
    std::string script;             // the source, or empty for a plain command
    std::vector<std::string> args;  // EVALSHA's from numkeys on
  };
  std::vector<Call> calls_;
  std::map<std::string, std::string> shas_;  // script source -> SHA1
};

// Keeps a service's Redis state in step with its topics. On start, if the
// ready key is missing, it replays the topics from the beginning (the state
// rebuild), then sets the key; then it joins the consumer group
// "<service>.<name>" and applies new events as they come, starting each
// partition at the offset stored with the state (ProjectionOffsetsKey, see
// OffsetStore): a state that lost its last writes reads them again. `apply`
// must be idempotent (it sees events again after a rebuild or a redelivery).
//
// While it runs it checks the ready key every few seconds. A key that is
// gone means Redis lost the state (wiped, or restarted without its data):
// the answers would be wrong and the consumer would carry on from offsets
// that no longer describe the state, so the process logs an error naming
// the projection and exits at once with kStateLostExitCode; the
// orchestrator restarts it and the start rebuilds the state from Kafka (the
// same path as after a kill -9). A Redis that does not answer is no lost
// state: health reports it, and the check tries again.
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
  // Checks the ready key while the service runs.
  std::unique_ptr<PeriodicRunner> ready_check_;
  int64_t replayed_ = 0;
};

}  // namespace lov

#endif  // LOV_PLATFORM_PROJECTION_H_
