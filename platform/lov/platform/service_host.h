#ifndef LOV_PLATFORM_SERVICE_HOST_H_
#define LOV_PLATFORM_SERVICE_HOST_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/config.h"
#include "lov/platform/dependency_monitor.h"
#include "lov/platform/http_gateway.h"
#include "lov/platform/kafka.h"
#include "lov/platform/metrics.h"
#include "lov/platform/redis.h"

namespace lov {

// TLS on the gRPC port. A certificate is required unless
// insecure_plaintext, which is for development only and logs a warning.
struct ServerTls {
  std::string cert_file;  // --tls-cert / LOV_TLS_CERT: PEM chain
  std::string key_file;   // --tls-key / LOV_TLS_KEY: its PEM private key
  // --tls-client-ca / LOV_TLS_CLIENT_CA: PEM CA bundle. When set, callers
  // may present a client certificate (mutual TLS for services and system
  // clients) and any certificate presented must chain to it; callers
  // without one (people with bearer tokens) still connect.
  std::string client_ca_file;
  bool insecure_plaintext = false;  // --insecure-plaintext

  // OK, or the one problem to fix, naming the settings: no certificate and
  // no --insecure-plaintext, both, a certificate without its key, or a file
  // that cannot be read or does not hold what it should.
  absl::Status Validate() const;
};

// Settings every service reads the same way (flag / LOV_* variable).
struct CommonSettings {
  std::string service_name;
  std::string kafka_brokers;  // --kafka-brokers / LOV_KAFKA_BROKERS
  std::string redis_addr;     // --redis-addr / LOV_REDIS_ADDR
  // --redis-username, and --redis-password-file (a mounted Secret) or
  // --redis-password (LOV_REDIS_USERNAME, _PASSWORD_FILE, _PASSWORD).
  RedisAuth redis_auth;
  // --kafka-security-protocol, --kafka-sasl-mechanism (SCRAM-SHA-512 when a
  // SASL protocol is chosen), --kafka-sasl-username, --kafka-sasl-password-file
  // or --kafka-sasl-password, --kafka-ca or --kafka-ssl-ca-location
  // (LOV_KAFKA_...): see KafkaSettings::security. CheckKafkaSecurity() says
  // whether a service may start with them.
  std::vector<std::pair<std::string, std::string>> kafka_security;
  int grpc_port = 0;  // --grpc-port / LOV_GRPC_PORT
  // --grpc-listen-address / LOV_GRPC_LISTEN_ADDRESS: the interface the gRPC
  // port listens on ("127.0.0.1" for a local run).
  std::string grpc_listen_address = "0.0.0.0";
  // --grpc-max-receive-bytes, --grpc-max-send-bytes: the largest message
  // a call may send to the service (larger: RESOURCE_EXHAUSTED naming both
  // sizes) and the largest answer; --grpc-max-concurrent-streams: calls at
  // once on one connection.
  int64_t grpc_max_receive_bytes = 4 << 20;
  int64_t grpc_max_send_bytes = 64 << 20;
  int grpc_max_concurrent_streams = 100;
  // --grpc-stream-window-bytes: how much a caller may send on one call (and
  // on one connection) before the service has read it: the HTTP/2 flow-
  // control window, fixed (gRPC's bandwidth probing, which grows it to
  // megabytes, is off), so a client streaming to a handler that stopped
  // reading (UploadVisits' backpressure) fills this much and then waits.
  // 0: gRPC's own tuning (the window grows with the measured bandwidth).
  int64_t grpc_stream_window_bytes = 256 << 10;
  ServerTls tls;         // --tls-cert, --tls-key, --tls-client-ca, ...
  int metrics_port = 0;  // --metrics-port / LOV_METRICS_PORT
  // --http-port / LOV_HTTP_PORT: HTTP/JSON (docs/http.md) on the gRPC
  // listen address with the gRPC port's TLS settings, for a service whose
  // RPCs have google.api.http bindings; 0: off.
  int http_port = 0;
  // --metrics-listen-address / LOV_METRICS_LISTEN_ADDRESS: the interface of
  // the metrics, /healthz and /readyz port ("127.0.0.1" for a local run,
  // "0.0.0.0" in Kubernetes for the probes and Prometheus).
  std::string metrics_listen_address = "0.0.0.0";
  // --metrics-tls / LOV_METRICS_TLS: the metrics port speaks HTTPS with the
  // gRPC port's certificate (--tls-cert, --tls-key); Prometheus and probes
  // then scrape with https (docs/security.md). Off: plain HTTP.
  bool metrics_tls = false;
  int topic_partitions = 3;   // --topic-partitions, used when creating topics
  int topic_replication = 1;  // --topic-replication
  // --projection-batches / LOV_PROJECTION_BATCHES: whether projections that
  // can apply events in batches do (ProjectionSettings::apply_batch); false
  // applies every event one by one (e.g. to compare the two).
  bool projection_batches = true;
  // --replay-gather-ms / LOV_REPLAY_GATHER_MS: KafkaSettings::replay_gather
  // (0: a rebuild's batches hold what had arrived, as before 3 Dec).
  absl::Duration replay_gather = absl::Milliseconds(20);
  // --replay-overlap / LOV_REPLAY_OVERLAP: KafkaSettings::replay_overlap
  // (false: a rebuild reads the next batch only after the last is handled,
  // as before 3 Dec's overlap).
  bool replay_overlap = true;
  absl::Duration shutdown_deadline = absl::Seconds(20);
  // --namespace / LOV_NAMESPACE: prefixes topics, consumer groups and Redis
  // keys, so that several municipalities (or test runs) share one cluster.
  std::string name_space;

  KafkaSettings kafka() const;
  // OK for SASL or TLS with what they need, and for PLAINTEXT chosen
  // explicitly (development: a warning is logged); otherwise the settings to
  // give. Unset is not plaintext: a service would talk to the cluster
  // unauthenticated without anyone having decided so.
  absl::Status CheckKafkaSecurity() const;
  // Connects to redis_addr with redis_auth; a clear error if it cannot.
  absl::StatusOr<std::unique_ptr<RedisClient>> ConnectRedis() const;
  std::string Topic(const std::string& base) const;      // "<ns>.<base>"
  std::string KeyPrefix(const std::string& base) const;  // "<ns>:<base>"
  std::string Group(const std::string& base) const;      // "<ns>.<base>"
};

CommonSettings ReadCommonSettings(Config& config, const std::string& service,
                                  int default_grpc_port,
                                  int default_metrics_port);

// Ends start-up with a clear message: a JSON log line and one plain line on
// stderr ("<service>: <what is wrong>"). Returns the exit code, 1.
int FailStartup(const std::string& service, const absl::Status& status);

// Call first thing in main(), before any thread exists, so that SIGTERM and
// SIGINT are delivered to ServiceHost's waiter instead of killing the process.
void BlockTerminationSignals();

// Runs a gRPC server (callback API) over TLS (settings.tls) with the
// standard health service and server reflection, per-RPC metrics, and a
// graceful shutdown on SIGTERM:
// health NOT_SERVING -> Shutdown(deadline) -> the registered shutdown steps
// in order (close consumers, then flush the producer).
// Health (gRPC health, overall and per service, /readyz and lov_serving)
// is SERVING while the service says it serves (SetServing) and every
// watched dependency is reachable; /healthz stays OK throughout, so that an
// orchestrator takes the instance out of traffic during an outage of Kafka
// or Redis but does not restart it.
class ServiceHost {
 public:
  explicit ServiceHost(CommonSettings settings);
  ~ServiceHost();

  void Register(grpc::Service* service, const std::string& full_name);
  // Dependencies to check every `interval` from Start() until shutdown
  // (DependencyMonitor); call before Start().
  void WatchDependencies(std::vector<Dependency> dependencies,
                         absl::Duration interval = absl::Seconds(2));
  // Binds the ports; a busy or bad port, or TLS settings that do not
  // validate, are a clear error. Health starts NOT_SERVING until
  // SetServing(true) (e.g. after a state rebuild).
  absl::Status Start();
  void SetServing(bool serving);
  // What the dependency monitor found unreachable (empty: nothing).
  void SetUnreachable(std::vector<DependencyDown> down);
  void OnShutdown(std::function<void()> step);
  // Blocks until SIGTERM/SIGINT or RequestShutdown(), then shuts down.
  void WaitForShutdown();
  void RequestShutdown();

  int grpc_port() const { return bound_port_; }
  int metrics_port() const { return metrics_server_.port(); }
  int http_port() const { return http_gateway_ ? http_gateway_->port() : 0; }

 private:
  // Sets every health signal from serving_ and unreachable_.
  void PublishHealth();

  CommonSettings settings_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::unique_ptr<grpc::Server> server_;
  metrics::MetricsServer metrics_server_;
  std::unique_ptr<http::Gateway> http_gateway_;  // with --http-port
  std::vector<std::function<void()>> shutdown_steps_;
  int bound_port_ = 0;
  std::vector<Dependency> dependencies_;
  absl::Duration dependency_interval_;
  std::mutex health_mu_;
  bool serving_ = false;
  std::vector<DependencyDown> unreachable_;
  // Stopped before the servers it reports to.
  std::unique_ptr<DependencyMonitor> monitor_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool shutdown_requested_ = false;
};

// Maps an absl::Status to the gRPC status with the same code and message,
// and its google.rpc payloads as details (lov/platform/retry_info.h).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace lov

#endif  // LOV_PLATFORM_SERVICE_HOST_H_
