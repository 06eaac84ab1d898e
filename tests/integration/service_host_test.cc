// The gRPC bootstrap every service uses: health, shutdown order, metrics.
#include "lov/platform/service_host.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <tuple>

#include "grpc/health/v1/health.grpc.pb.h"
#include "lov/platform/config.h"
#include "lov/platform/grpc_channel.h"
#include "lov/testing/v1/peer.grpc.pb.h"
#include "test_stack.h"

namespace lov {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  // Closed after the answer, not held open until the keep-alive timeout.
  std::string req =
      "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, n);
  close(fd);
  return out;
}

// A host on 127.0.0.1 with the test stack's certificates.
CommonSettings HostSettings(const std::string& name) {
  CommonSettings settings;
  settings.service_name = name;
  settings.grpc_listen_address = "127.0.0.1";
  const std::string certs = testing::Stack().certs_dir;
  settings.tls = {.cert_file = certs + "/server.crt",
                  .key_file = certs + "/server.key",
                  .client_ca_file = certs + "/ca.crt"};
  return settings;
}

HealthCheckResponse::ServingStatus Check(Health::Stub& stub,
                                         const std::string& service) {
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = stub.Check(&ctx, req, &resp);
  if (!s.ok()) return HealthCheckResponse::UNKNOWN;
  return resp.status();
}

TEST(ServiceHostTest, HealthFollowsStateAndShutdownRunsStepsInOrder) {
  CommonSettings settings = HostSettings("host-test");
  settings.grpc_port = 0;
  settings.metrics_port = 0;
  settings.shutdown_deadline = absl::Seconds(2);
  ServiceHost host(settings);
  ASSERT_TRUE(host.Start().ok());
  ASSERT_GT(host.grpc_port(), 0);

  auto channel = OpenChannel("127.0.0.1:" + std::to_string(host.grpc_port()),
                             testing::Stack().Client());
  auto stub = Health::NewStub(channel);
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::NOT_SERVING);
  host.SetServing(true);
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::SERVING);

  std::string metrics = HttpGet(host.metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("200 OK"), std::string::npos);
  EXPECT_NE(metrics.find("lov_serving{service=\"host-test\"} 1"),
            std::string::npos)
      << metrics;

  std::vector<std::string> steps;
  host.OnShutdown([&] { steps.push_back("consumers closed"); });
  host.OnShutdown([&] { steps.push_back("producer flushed"); });
  std::thread waiter([&] { host.WaitForShutdown(); });
  host.RequestShutdown();
  waiter.join();
  EXPECT_EQ(steps,
            (std::vector<std::string>{"consumers closed", "producer flushed"}));
}

// A watched dependency that goes away takes health (gRPC health of the
// server and of each service, /readyz, lov_serving) to NOT_SERVING, naming
// it; liveness stays OK; health is back once the dependency is.
TEST(ServiceHostTest, HealthIsNotServingWhileADependencyIsUnreachable) {
  CommonSettings settings = HostSettings("deps-test");
  std::atomic<bool> redis_up{true};
  ServiceHost host(settings);
  // A service whose methods are all unimplemented: only its health counts.
  testing::v1::PeerService::CallbackService peer;
  host.Register(&peer, "lov.testing.v1.PeerService");
  host.WatchDependencies(
      {{"kafka", [] { return absl::OkStatus(); }},
       {"redis",
        [&] {
          return redis_up ? absl::OkStatus()
                          : absl::UnavailableError("connection refused");
        }}},
      absl::Milliseconds(20));
  ASSERT_TRUE(host.Start().ok());
  host.SetServing(true);
  auto stub = Health::NewStub(
      OpenChannel("127.0.0.1:" + std::to_string(host.grpc_port()),
                  testing::Stack().Client()));
  auto state = [&] {
    return std::make_tuple(Check(*stub, ""),
                           Check(*stub, "lov.testing.v1.PeerService"),
                           HttpGet(host.metrics_port(), "/readyz"));
  };
  ASSERT_TRUE(testing::Eventually(
      [&] { return std::get<0>(state()) == HealthCheckResponse::SERVING; },
      absl::Seconds(5)));

  redis_up = false;
  ASSERT_TRUE(testing::Eventually(
      [&] { return std::get<0>(state()) == HealthCheckResponse::NOT_SERVING; },
      absl::Seconds(5)));
  auto [overall, service, readyz] = state();
  EXPECT_EQ(service, HealthCheckResponse::NOT_SERVING);
  EXPECT_NE(readyz.find("503"), std::string::npos) << readyz;
  EXPECT_NE(readyz.find("not serving: redis unreachable (connection refused)"),
            std::string::npos)
      << readyz;
  EXPECT_NE(HttpGet(host.metrics_port(), "/healthz").find("200 OK"),
            std::string::npos);
  std::string metrics = HttpGet(host.metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("lov_serving{service=\"deps-test\"} 0"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find(
          "lov_dependency_up{dependency=\"redis\",service=\"deps-test\"} 0"),
      std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find(
          "lov_dependency_up{dependency=\"kafka\",service=\"deps-test\"} 1"),
      std::string::npos)
      << metrics;

  redis_up = true;
  ASSERT_TRUE(testing::Eventually(
      [&] { return std::get<0>(state()) == HealthCheckResponse::SERVING; },
      absl::Seconds(5)));
  std::tie(overall, service, readyz) = state();
  EXPECT_EQ(service, HealthCheckResponse::SERVING);
  EXPECT_NE(readyz.find("200 OK"), std::string::npos) << readyz;
}

// Reachable dependencies do not make a service serve before it says so
// (e.g. during its state rebuild).
TEST(ServiceHostTest, ReachableDependenciesDoNotServeBeforeTheService) {
  ServiceHost host(HostSettings("deps-start"));
  std::atomic<int> checks{0};
  host.WatchDependencies({{"kafka",
                           [&] {
                             ++checks;
                             return absl::OkStatus();
                           }}},
                         absl::Milliseconds(20));
  ASSERT_TRUE(host.Start().ok());
  auto stub = Health::NewStub(
      OpenChannel("127.0.0.1:" + std::to_string(host.grpc_port()),
                  testing::Stack().Client()));
  ASSERT_TRUE(
      testing::Eventually([&] { return checks > 2; }, absl::Seconds(5)));
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::NOT_SERVING);
  EXPECT_NE(HttpGet(host.metrics_port(), "/readyz").find("503"),
            std::string::npos);
}

// A message over --grpc-max-receive-bytes is refused before any handler
// sees it, with the status and both sizes in the message.
TEST(ServiceHostTest, AnOversizeMessageIsRefusedNamingTheLimit) {
  CommonSettings settings = HostSettings("size-test");
  settings.grpc_max_receive_bytes = 1024;
  ServiceHost host(settings);
  ASSERT_TRUE(host.Start().ok());
  host.SetServing(true);
  auto stub = Health::NewStub(
      OpenChannel("127.0.0.1:" + std::to_string(host.grpc_port()),
                  testing::Stack().Client()));
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  req.set_service(std::string(4096, 'x'));
  HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("1024"), std::string::npos)
      << s.error_message();
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::SERVING);  // still serving
}

TEST(ServiceHostTest, BusyPortIsAClearError) {
  CommonSettings settings = HostSettings("first");
  ServiceHost first(settings);
  ASSERT_TRUE(first.Start().ok());
  CommonSettings clash = settings;
  clash.service_name = "second";
  clash.grpc_port = first.grpc_port();
  ServiceHost second(clash);
  absl::Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot listen for gRPC on port"),
            std::string::npos)
      << s;
}

TEST(ConfigTest, BadSettingsAreAllNamedInOneMessage) {
  Config config({{"grpc-port", "70000"},
                 {"kafka-brokers", "localhost"},
                 {"colour", "blue"}},
                {});
  CommonSettings s = ReadCommonSettings(config, "svc", 50051, 9100);
  absl::Status status = config.Validate();
  ASSERT_FALSE(status.ok());
  std::string msg(status.message());
  EXPECT_NE(msg.find("--grpc-port: 70000 is out of range"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("--kafka-brokers: 'localhost' is not host:port"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("--colour: unknown setting"), std::string::npos) << msg;
}

TEST(ConfigTest, EnvironmentIsReadAndFlagsWin) {
  Config config({{"grpc-port", "6001"}}, {{"LOV_GRPC_PORT", "5001"},
                                          {"LOV_METRICS_PORT", "9201"},
                                          {"LOV_REDIS_ADDR", "10.0.0.1:6379"},
                                          {"LOV_INSECURE_PLAINTEXT", "true"}});
  CommonSettings s = ReadCommonSettings(config, "svc", 50051, 9100);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(s.grpc_port, 6001);
  EXPECT_EQ(s.metrics_port, 9201);
  EXPECT_EQ(s.redis_addr, "10.0.0.1:6379");
  EXPECT_EQ(s.kafka_brokers, "127.0.0.1:9092");
}

TEST(ConfigTest, CredentialsComeFromTheEnvironmentAsASecretWouldGiveThem) {
  Config config({}, {{"LOV_INSECURE_PLAINTEXT", "true"},
                     {"LOV_REDIS_PASSWORD", "r-secret"},
                     {"LOV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"},
                     {"LOV_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"},
                     {"LOV_KAFKA_SASL_USERNAME", "lov-choice"},
                     {"LOV_KAFKA_SASL_PASSWORD", "k-secret"},
                     {"LOV_KAFKA_SSL_CA_LOCATION", "/etc/kafka-ca/ca.crt"}});
  CommonSettings s = ReadCommonSettings(config, "choice", 50052, 9102);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(s.redis_auth.password, "r-secret");
  EXPECT_EQ(s.redis_auth.username, "");
  const auto kafka = ConnectionConfig(s.kafka());
  const std::vector<std::pair<std::string, std::string>> want = {
      {"bootstrap.servers", "127.0.0.1:9092"},
      {"client.id", "choice"},
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanisms", "SCRAM-SHA-512"},
      {"sasl.username", "lov-choice"},
      {"sasl.password", "k-secret"},
      {"ssl.ca.location", "/etc/kafka-ca/ca.crt"}};
  EXPECT_EQ(kafka, want);
  // Unset: plaintext, nothing but the address and the name.
  Config plain({}, {});
  EXPECT_EQ(ConnectionConfig(ReadCommonSettings(plain, "choice", 1, 2).kafka())
                .size(),
            2u);
}

TEST(ConfigTest, ASecuritySettingKafkaRefusesIsNamed) {
  KafkaSettings k;
  k.brokers = "127.0.0.1:9";
  k.client_id = "svc";
  k.security = {{"security.protocol", "carrier-pigeon"}};
  absl::Status s = EventProducer::Create(k).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("security.protocol"), std::string::npos) << s;
}

}  // namespace
}  // namespace lov
