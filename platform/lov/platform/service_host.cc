#include "lov/platform/service_host.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/server_interceptor.h>
#include <signal.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "lov/platform/grpc_server_metrics.h"
#include "lov/platform/log.h"
#include "lov/platform/process_metrics.h"
#include "lov/platform/retry_info.h"
#include "lov/platform/tls_files.h"

namespace lov {
namespace {

// How often the certificate files are read again, so that a renewed
// certificate (cert-manager rewrites the mounted Secret well before the old
// one expires) is served without a restart.
constexpr unsigned kCertificateRefreshSeconds = 300;

constexpr char kNoCertificate[] =
    "no TLS certificate for the gRPC port: set --tls-cert and --tls-key "
    "(LOV_TLS_CERT, LOV_TLS_KEY), and --tls-client-ca (LOV_TLS_CLIENT_CA) to "
    "accept client certificates; or, in development only, "
    "--insecure-plaintext (LOV_INSECURE_PLAINTEXT=true)";

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServerTls& tls) {
  if (absl::Status s = tls.Validate(); !s.ok()) return s;
  if (tls.insecure_plaintext) return grpc::InsecureServerCredentials();
  namespace gx = grpc::experimental;
  std::shared_ptr<gx::CertificateProviderInterface> files;
  if (tls.client_ca_file.empty()) {
    files = std::make_shared<gx::FileWatcherCertificateProvider>(
        tls.key_file, tls.cert_file, kCertificateRefreshSeconds);
  } else {
    files = std::make_shared<gx::FileWatcherCertificateProvider>(
        tls.key_file, tls.cert_file, tls.client_ca_file,
        kCertificateRefreshSeconds);
  }
  gx::TlsServerCredentialsOptions options(files);
  options.watch_identity_key_cert_pairs();
  if (tls.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    // Asked for, not required: a person with a bearer token has no
    // certificate; one that is presented must chain to the client CA.
    options.watch_root_certs();
    options.set_cert_request_type(
        GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return gx::TlsServerCredentials(options);
}

// "host:port"; an IPv6 address in brackets.
std::string ListenAddress(const std::string& host, int port) {
  if (host.find(':') != std::string::npos && host[0] != '[') {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

// For the start-up log line.
const char* TlsMode(const ServerTls& tls) {
  if (tls.insecure_plaintext) return "off";
  return tls.client_ca_file.empty() ? "server"
                                    : "server, client certificates verified";
}

// A secret given as a file (--NAME-file: how a mounted Secret or the local
// stack's run dir gives it) or as the value (--NAME, e.g. an environment
// variable set from a Secret); not both. Trailing white space in a file (its
// newline) is not part of the secret.
std::string ReadSecret(Config& config, const std::string& name) {
  const std::string value = config.String(name, "");
  const std::string file = config.String(name + "-file", "");
  if (file.empty()) return value;
  const std::string setting =
      absl::StrCat("--", name, "-file (", Config::EnvName(name + "-file"), ")");
  if (!value.empty()) {
    config.AddError(absl::StrCat(setting, " and --", name, " (",
                                 Config::EnvName(name),
                                 ") are both set: give one"));
    return value;
  }
  std::ifstream in(file);
  if (!in) {
    config.AddError(absl::StrCat(setting, ": cannot read ", file, ": ",
                                 std::strerror(errno)));
    return "";
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string secret(absl::StripTrailingAsciiWhitespace(content.str()));
  if (secret.empty())
    config.AddError(absl::StrCat(setting, ": ", file, " is empty"));
  return secret;
}

// The librdkafka settings of --kafka-* in the order librdkafka is given
// them; empty ones left out.
std::vector<std::pair<std::string, std::string>> ReadKafkaSecurity(
    Config& config) {
  const std::string protocol = config.String("kafka-security-protocol", "");
  std::string mechanism = config.String("kafka-sasl-mechanism", "");
  if (mechanism.empty() && absl::StartsWithIgnoreCase(protocol, "SASL_")) {
    mechanism = "SCRAM-SHA-512";
  }
  std::string ca = config.String("kafka-ca", "");
  const std::string ca_location = config.String("kafka-ssl-ca-location", "");
  if (!ca.empty() && !ca_location.empty()) {
    config.AddError(
        "--kafka-ca (LOV_KAFKA_CA) and --kafka-ssl-ca-location "
        "(LOV_KAFKA_SSL_CA_LOCATION) are both set: give one");
  }
  if (ca.empty()) ca = ca_location;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [librdkafka, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"security.protocol", protocol},
           {"sasl.mechanisms", mechanism},
           {"sasl.username", config.String("kafka-sasl-username", "")},
           {"sasl.password", ReadSecret(config, "kafka-sasl-password")},
           {"ssl.ca.location", ca}}) {
    if (!value.empty()) out.emplace_back(librdkafka, value);
  }
  return out;
}

// --kafka-max-poll-interval-ms (LOV_KAFKA_MAX_POLL_INTERVAL_MS): how long a
// consumer may go without polling (an event handler or a rebalance callback
// waiting for Redis) before the group gives its partitions to the other
// members: librdkafka's max.poll.interval.ms (default 300000). Given with
// the connection settings (a producer ignores it, with a warning), and only
// when set. librdkafka requires session.timeout.ms (default 45000) not to
// exceed it, so a shorter interval lowers the session timeout to it too; the
// broker refuses a session timeout under 6000 ms (its
// group.min.session.timeout.ms), hence the lower bound.
void ReadKafkaPollInterval(
    Config& config, std::vector<std::pair<std::string, std::string>>* out) {
  constexpr int64_t kDefault = 300000, kDefaultSession = 45000;
  const int64_t ms = config.Int("kafka-max-poll-interval-ms", kDefault, 6000,
                                int64_t{86400000});
  if (ms == kDefault) return;
  out->emplace_back("max.poll.interval.ms", std::to_string(ms));
  if (ms < kDefaultSession) {
    out->emplace_back("session.timeout.ms", std::to_string(ms));
  }
}

std::string SecuritySetting(const CommonSettings& s, const std::string& key) {
  for (const auto& [k, v] : s.kafka_security) {
    if (k == key) return v;
  }
  return "";
}

std::vector<std::string> ServiceNames(
    const std::vector<std::pair<grpc::Service*, std::string>>& services) {
  std::vector<std::string> names;
  for (const auto& [service, name] : services) names.push_back(name);
  return names;
}

// The HTTP/JSON listener: the gRPC port's address, certificate and client
// CA; its body limit the gRPC receive limit.
http::GatewayOptions GatewayOptionsOf(const CommonSettings& s) {
  http::GatewayOptions o;
  o.listen_address = s.grpc_listen_address;
  o.port = s.http_port;
  o.tls_cert_file = s.tls.cert_file;
  o.tls_key_file = s.tls.key_file;
  o.tls_client_ca_file = s.tls.client_ca_file;
  o.max_body_bytes = static_cast<size_t>(s.grpc_max_receive_bytes);
  return o;
}

}  // namespace

absl::Status ServerTls::Validate() const {
  if (insecure_plaintext) {
    if (!cert_file.empty() || !key_file.empty() || !client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--insecure-plaintext (LOV_INSECURE_PLAINTEXT) is set together "
          "with --tls-cert, --tls-key or --tls-client-ca: choose TLS or "
          "plaintext");
    }
    return absl::OkStatus();
  }
  if (cert_file.empty() && key_file.empty()) {
    return absl::InvalidArgumentError(kNoCertificate);
  }
  if (cert_file.empty() || key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key (LOV_TLS_CERT, LOV_TLS_KEY) go together: "
        "set both");
  }
  const TlsFile cert{cert_file, "--tls-cert (LOV_TLS_CERT)"};
  absl::StatusOr<std::string> chain = ReadCertificates(cert);
  if (!chain.ok()) return chain.status();
  absl::Status key =
      ReadPrivateKeyOf({key_file, "--tls-key (LOV_TLS_KEY)"}, cert, *chain)
          .status();
  if (!key.ok() || client_ca_file.empty()) return key;
  return ReadCertificates(
             {client_ca_file, "--tls-client-ca (LOV_TLS_CLIENT_CA)"})
      .status();
}

KafkaSettings CommonSettings::kafka() const {
  KafkaSettings k;
  k.brokers = kafka_brokers;
  k.client_id = service_name;
  k.security = kafka_security;
  k.replay_gather = replay_gather;
  k.replay_overlap = replay_overlap;
  return k;
}

absl::Status CommonSettings::CheckKafkaSecurity() const {
  const std::string protocol =
      absl::AsciiStrToUpper(SecuritySetting(*this, "security.protocol"));
  if (protocol.empty()) {
    return absl::InvalidArgumentError(
        "no Kafka security settings: set --kafka-security-protocol=SASL_SSL "
        "with --kafka-sasl-username, --kafka-sasl-password-file and "
        "--kafka-ca (LOV_KAFKA_SECURITY_PROTOCOL, LOV_KAFKA_SASL_USERNAME, "
        "LOV_KAFKA_SASL_PASSWORD_FILE, LOV_KAFKA_CA); or, in development "
        "only, --kafka-security-protocol=PLAINTEXT");
  }
  if (protocol == "PLAINTEXT") {
    const std::string warning =
        "Kafka WITHOUT TLS or authentication "
        "(--kafka-security-protocol=PLAINTEXT); for development only";
    log::Warn(warning, {{"brokers", kafka_brokers}});
    std::cerr << service_name << ": WARNING: " << warning << "\n";
    return absl::OkStatus();
  }
  if (absl::StartsWith(protocol, "SASL_") &&
      (SecuritySetting(*this, "sasl.username").empty() ||
       SecuritySetting(*this, "sasl.password").empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--kafka-security-protocol=", protocol,
        " needs --kafka-sasl-username and --kafka-sasl-password-file "
        "(LOV_KAFKA_SASL_USERNAME, LOV_KAFKA_SASL_PASSWORD_FILE)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RedisClient>> CommonSettings::ConnectRedis()
    const {
  return RedisClient::Connect(redis_addr, absl::Seconds(5), redis_auth);
}

std::string CommonSettings::Topic(const std::string& base) const {
  return name_space.empty() ? base : absl::StrCat(name_space, ".", base);
}

std::string CommonSettings::KeyPrefix(const std::string& base) const {
  return name_space.empty() ? base : absl::StrCat(name_space, ":", base);
}

std::string CommonSettings::Group(const std::string& base) const {
  return Topic(base);
}

CommonSettings ReadCommonSettings(Config& config, const std::string& service,
                                  int default_grpc_port,
                                  int default_metrics_port) {
  CommonSettings s;
  s.service_name = service;
  s.kafka_brokers = config.HostPort("kafka-brokers", "127.0.0.1:9092");
  s.redis_addr = config.HostPort("redis-addr", "127.0.0.1:6390");
  s.redis_auth.username = config.String("redis-username", "");
  s.redis_auth.password = ReadSecret(config, "redis-password");
  s.kafka_security = ReadKafkaSecurity(config);
  ReadKafkaPollInterval(config, &s.kafka_security);
  s.grpc_port = config.Port("grpc-port", default_grpc_port);
  s.grpc_listen_address = config.String("grpc-listen-address", "0.0.0.0");
  if (s.grpc_listen_address.empty()) {
    config.AddError("--grpc-listen-address (LOV_GRPC_LISTEN_ADDRESS): empty");
  }
  s.tls.cert_file = config.String("tls-cert", "");
  s.tls.key_file = config.String("tls-key", "");
  s.tls.client_ca_file = config.String("tls-client-ca", "");
  s.tls.insecure_plaintext = config.Bool("insecure-plaintext", false);
  if (absl::Status tls = s.tls.Validate(); !tls.ok()) {
    config.AddError(std::string(tls.message()));
  }
  s.grpc_max_receive_bytes =
      config.Int("grpc-max-receive-bytes", s.grpc_max_receive_bytes, 1024,
                 int64_t{1} << 30);
  s.grpc_max_send_bytes = config.Int(
      "grpc-max-send-bytes", s.grpc_max_send_bytes, 1024, int64_t{1} << 30);
  s.grpc_max_concurrent_streams = static_cast<int>(config.Int(
      "grpc-max-concurrent-streams", s.grpc_max_concurrent_streams, 1, 100000));
  s.grpc_stream_window_bytes =
      config.Int("grpc-stream-window-bytes", s.grpc_stream_window_bytes, 0,
                 int64_t{64} << 20);
  s.metrics_port = config.Port("metrics-port", default_metrics_port);
  s.http_port = config.Port("http-port", 0);
  s.metrics_listen_address = config.String("metrics-listen-address", "0.0.0.0");
  if (s.metrics_listen_address.empty()) {
    config.AddError(
        "--metrics-listen-address (LOV_METRICS_LISTEN_ADDRESS): empty");
  }
  s.metrics_tls = config.Bool("metrics-tls", false);
  if (s.metrics_tls && (s.tls.insecure_plaintext || s.tls.cert_file.empty() ||
                        s.tls.key_file.empty())) {
    config.AddError(
        "--metrics-tls (LOV_METRICS_TLS): needs the service's certificate "
        "(--tls-cert and --tls-key), not --insecure-plaintext");
  }
  s.topic_partitions =
      static_cast<int>(config.Int("topic-partitions", 3, 1, 1000));
  s.topic_replication =
      static_cast<int>(config.Int("topic-replication", 1, 1, 10));
  s.projection_batches = config.Bool("projection-batches", true);
  s.replay_gather = absl::Milliseconds(config.Int(
      "replay-gather-ms", absl::ToInt64Milliseconds(s.replay_gather), 0, 1000));
  s.replay_overlap = config.Bool("replay-overlap", true);
  s.shutdown_deadline =
      absl::Seconds(config.Int("shutdown-deadline-seconds", 20, 1, 600));
  s.name_space = config.String("namespace", "");
  for (char c : s.name_space) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_')) {
      config.Int("namespace", 0, 0, 0);  // records the bad value
      break;
    }
  }
  std::string level = config.String("log-level", "info");
  log::Level parsed;
  if (log::ParseLevel(level, &parsed)) {
    log::SetMinLevel(parsed);
  } else {
    config.Int("log-level", 0, 0, 0);  // records the bad value
  }
  log::SetService(service);
  return s;
}

int FailStartup(const std::string& service, const absl::Status& status) {
  log::Error("cannot start", {{"error", status}});
  std::cerr << service << ": " << status.message() << "\n";
  return 1;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // Error details (e.g. a quota's RetryInfo) go in the status details.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), StatusDetailsOf(status));
}

ServiceHost::ServiceHost(CommonSettings settings)
    : settings_(std::move(settings)),
      metrics_server_(&metrics::Registry::Default()) {}

ServiceHost::~ServiceHost() {
  monitor_.reset();
  if (http_gateway_) http_gateway_->Stop();
  if (server_) server_->Shutdown(std::chrono::system_clock::now());
  metrics_server_.Stop();
}

void ServiceHost::Register(grpc::Service* service,
                           const std::string& full_name) {
  services_.emplace_back(service, full_name);
}

void ServiceHost::WatchDependencies(std::vector<Dependency> dependencies,
                                    absl::Duration interval) {
  dependencies_ = std::move(dependencies);
  dependency_interval_ = interval;
}

absl::Status ServiceHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  // gRPC's built-in health service carries no descriptor of its own; linking
  // the generated one puts grpc.health.v1 in the pool reflection answers
  // from, so `grpcurl ... grpc.health.v1.Health/Check` needs no .proto file.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this a second instance on the same port would silently share it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(settings_.grpc_max_receive_bytes));
  builder.SetMaxSendMessageSize(
      static_cast<int>(settings_.grpc_max_send_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             settings_.grpc_max_concurrent_streams);
  // A fixed receive window: bounded buffering of what callers sent and the
  // service has not read yet (see CommonSettings::grpc_stream_window_bytes).
  if (settings_.grpc_stream_window_bytes > 0) {
    builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    builder.AddChannelArgument(
        GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
        static_cast<int>(settings_.grpc_stream_window_bytes));
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentials(settings_.tls);
  if (!credentials.ok()) return credentials.status();
  if (settings_.tls.insecure_plaintext) {
    const std::string warning =
        "gRPC WITHOUT TLS (--insecure-plaintext): anyone on the network can "
        "read and forge every call; for development only";
    log::Warn(warning, {{"listen_address", settings_.grpc_listen_address}});
    std::cerr << settings_.service_name << ": WARNING: " << warning << "\n";
  }
  builder.AddListeningPort(
      ListenAddress(settings_.grpc_listen_address, settings_.grpc_port),
      *credentials, &bound_port_);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(metrics::NewGrpcServerMetricsFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (!server_ || bound_port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on port ", settings_.grpc_port,
                     " of ", settings_.grpc_listen_address,
                     " (in use or not allowed; check --grpc-port / "
                     "LOV_GRPC_PORT and --grpc-listen-address / "
                     "LOV_GRPC_LISTEN_ADDRESS)"));
  }
  SetServing(false);
  static std::once_flag process_metrics;
  std::call_once(process_metrics, [] {
    metrics::RegisterProcessMetrics(metrics::Registry::Default());
  });
  if (absl::Status s = metrics_server_.Start(
          settings_.metrics_port, settings_.metrics_listen_address,
          settings_.metrics_tls ? settings_.tls.cert_file : "",
          settings_.metrics_tls ? settings_.tls.key_file : "");
      !s.ok()) {
    return s;
  }
  if (settings_.http_port > 0) {
    absl::StatusOr<std::unique_ptr<http::Gateway>> gateway = http::StartGateway(
        *server_, ServiceNames(services_), GatewayOptionsOf(settings_),
        settings_.grpc_max_send_bytes);
    if (!gateway.ok()) return gateway.status();
    http_gateway_ = *std::move(gateway);
  }
  log::Info("listening",
            {{"grpc_address", settings_.grpc_listen_address},
             {"grpc_port", bound_port_},
             {"http_port", http_port()},
             {"tls", TlsMode(settings_.tls)},
             {"metrics_address", settings_.metrics_listen_address},
             {"metrics_scheme", settings_.metrics_tls ? "https" : "http"},
             {"metrics_port", metrics_server_.port()}});
  if (!dependencies_.empty()) {
    monitor_ = std::make_unique<DependencyMonitor>(
        settings_.service_name, dependencies_,
        [this](const std::vector<DependencyDown>& down) {
          SetUnreachable(down);
        });
    monitor_->Start(dependency_interval_);
  }
  return absl::OkStatus();
}

void ServiceHost::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(health_mu_);
  serving_ = serving;
  PublishHealth();
}

void ServiceHost::SetUnreachable(std::vector<DependencyDown> down) {
  std::lock_guard<std::mutex> lock(health_mu_);
  unreachable_ = std::move(down);
  PublishHealth();
}

void ServiceHost::PublishHealth() {
  if (!server_) return;
  const bool serving = serving_ && unreachable_.empty();
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(serving);
  for (auto& [service, name] : services_) {
    health->SetServingStatus(name, serving);
  }
  std::string why = "not serving";
  if (!unreachable_.empty()) {
    absl::StrAppend(
        &why, ": ",
        absl::StrJoin(
            unreachable_, "; ", [](std::string* out, const DependencyDown& d) {
              absl::StrAppend(out, d.name, " unreachable (", d.error, ")");
            }));
  }
  metrics_server_.SetReady(serving, std::move(why));
  metrics::Registry::Default()
      .GetGauge("lov_serving", "1 while the service accepts requests",
                {{"service", settings_.service_name}})
      .Set(serving ? 1 : 0);
}

void ServiceHost::OnShutdown(std::function<void()> step) {
  shutdown_steps_.push_back(std::move(step));
}

void ServiceHost::RequestShutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_requested_ = true;
  cv_.notify_all();
}

void ServiceHost::WaitForShutdown() {
  std::thread signal_waiter([this] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    timespec tick{0, 200 * 1000 * 1000};
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (shutdown_requested_) return;
      }
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        log::Info("shutdown signal received",
                  {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        RequestShutdown();
        return;
      }
    }
  });
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return shutdown_requested_; });
  }
  signal_waiter.join();
  monitor_.reset();
  SetServing(false);
  log::Info("shutting down",
            {{"deadline_ms",
              absl::ToInt64Milliseconds(settings_.shutdown_deadline)}});
  if (http_gateway_) http_gateway_->Stop();  // no new HTTP calls
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(settings_.shutdown_deadline));
  server_->Wait();
  for (auto& step : shutdown_steps_) step();
  metrics_server_.Stop();
  log::Info("stopped");
}

}  // namespace lov
