#ifndef LOV_PLATFORM_SERVICE_MAIN_H_
#define LOV_PLATFORM_SERVICE_MAIN_H_

// The one main of every service. A service's main.cc only names its parts:
//
//   int main(int argc, char** argv) {
//     return lov::ServiceMain(argc, argv, {
//         .name = "registry", .grpc_port = 50051, .metrics_port = 9101,
//         .topics = {lov::topics::kRegistryEvents},
//         .wire = [](lov::ServiceContext& ctx) { ... }});
//   }
//
// ServiceMain does the common wiring in this order: termination signals,
// configuration (common settings, --workers, the service's own flags,
// validation), Redis, the Kafka producer, the topics (the service's own and
// upstream ones with the event-topic settings, plus its dead-letter topic),
// the service's parts (`wire`), the gRPC host, the projections (health stays
// NOT_SERVING until they have rebuilt and joined), then SERVING while
// Kafka and Redis are reachable (checked every 2 s); on SIGTERM
// NOT_SERVING, gRPC shutdown, the service's own shutdown steps, projections
// stopped, producer flushed.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "lov/platform/auth/bearer_verifier.h"
#include "lov/platform/clock.h"
#include "lov/platform/config.h"
#include "lov/platform/kafka.h"
#include "lov/platform/projection.h"
#include "lov/platform/redis.h"
#include "lov/platform/service_host.h"
#include "lov/platform/worker_pool.h"

namespace lov {

struct ServiceSpec;

// What the common wiring gives a service's parts.
class ServiceContext {
 public:
  ServiceContext(Config* config, CommonSettings settings, RedisClient* redis,
                 EventProducer* producer, int workers, size_t queue_limit);
  ~ServiceContext();

  Config& config() { return *config_; }
  const CommonSettings& settings() const { return settings_; }
  RedisClient* redis() { return redis_; }
  EventProducer* producer() { return producer_; }
  const Clock* clock() const { return &clock_; }
  WorkerPool* pool() { return &pool_; }
  // The sign-in token verifier the gRPC call guard uses (for a service's
  // own sign-in, e.g. the console's dashboard); never null once the
  // service runs (a service without an identity provider does not start).
  std::shared_ptr<const auth::BearerVerifier> bearer_verifier() const {
    return bearer_verifier_;
  }

  // A topic's name in this deployment's namespace.
  std::string Topic(const std::string& base) const {
    return settings_.Topic(base);
  }
  std::string DeadLetterTopic() const;
  // "<namespace>:lov:<service>", the root of the service's Redis keys.
  std::string KeyPrefix() const;

  // A part that lives until the service has shut down (parts are destroyed
  // in the reverse order of their making).
  template <typename T, typename... Args>
  T* Make(Args&&... args) {
    auto part = std::make_shared<T>(std::forward<Args>(args)...);
    parts_.push_back(part);
    return part.get();
  }
  // Keeps a part made elsewhere (e.g. by a factory that can fail).
  template <typename T>
  T* Keep(std::unique_ptr<T> part) {
    std::shared_ptr<T> shared(std::move(part));
    parts_.push_back(shared);
    return shared.get();
  }

  // A gRPC service to serve, under its full proto name.
  void Serve(grpc::Service* service, std::string full_name);
  // Keeps the serving state in step with `topics` (prefixed names) from
  // once the gRPC ports are bound; serving waits until it has rebuilt and
  // joined. The dead-letter topic is the service's.
  // With `apply_batch`, events are applied in batches (see
  // BatchEventHandler), and one by one by `apply` only when a batch fails.
  // `dedupe`: see ProjectionSettings::dedupe.
  void Project(std::string name, std::vector<std::string> topics,
               std::string ready_key, EventHandler apply,
               BatchEventHandler apply_batch = nullptr, bool dedupe = true);
  // Runs once the gRPC ports are bound, before the service reports
  // SERVING (e.g. replaying a read model); a failure ends start-up.
  void WhenListening(std::function<absl::Status()> step);
  // Runs once the service is serving (e.g. a background loop's start).
  void OnServing(std::function<void()> step);
  // Runs at shutdown, after gRPC has stopped and before the projections
  // stop and the producer is flushed.
  void OnShutdown(std::function<void()> step);
  // A background part (Start/Stop) that runs while the service serves.
  template <typename Part>
  void RunWhileServing(Part* part) {
    OnServing([part] { part->Start(); });
    OnShutdown([part] { part->Stop(); });
  }

 private:
  friend int ServiceMain(int argc, char** argv, const ServiceSpec& spec);

  Config* config_;
  CommonSettings settings_;
  RedisClient* redis_;
  EventProducer* producer_;
  SystemClock clock_;
  WorkerPool pool_;
  std::shared_ptr<const auth::BearerVerifier> bearer_verifier_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<absl::Status()>> when_listening_;
  std::vector<std::unique_ptr<Projection>> projections_;
  std::vector<std::function<void()>> on_serving_;
  std::vector<std::function<void()>> on_shutdown_;
  std::vector<std::shared_ptr<void>> parts_;
};

struct ServiceSpec {
  std::string name;  // "registry": logs, consumer groups, dead-letter topic
  int grpc_port = 0;
  int metrics_port = 0;
  // Base names of the topics the service writes or reads. Each is created
  // if missing (so a service can start before its upstreams); existing
  // topics are left alone.
  std::vector<std::string> topics;
  // Without Redis (the console keeps its read model in memory).
  bool uses_redis = true;
  // Reads the service's own flags, before the configuration is validated.
  std::function<void(Config&)> flags;
  // Makes the service's parts; a failure ends start-up with its message.
  std::function<absl::Status(ServiceContext&)> wire;
};

// Runs the service until SIGTERM; returns the process exit code.
int ServiceMain(int argc, char** argv, const ServiceSpec& spec);

}  // namespace lov

#endif  // LOV_PLATFORM_SERVICE_MAIN_H_
