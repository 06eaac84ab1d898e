// Health that tells the truth (issue 15): a service binary against a Redis
// of the test's own, stopped and started again while the service runs.
// Each service watches both of its dependencies (Kafka and Redis: the chaos
// suite once found an audit binary that stayed ready through every Kafka
// outage); with Redis gone, gRPC health (overall and the service's own
// name) and /readyz say NOT_SERVING naming Redis within seconds, the
// process keeps running (liveness stays OK), and it is SERVING again once
// Redis is back. A Kafka outage is injected by the chaos suite
// (tests/chaos, kafka-kill and kafka-pause), which asks every service's
// /readyz during it.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lov/platform/http_server.h"
#include "lov/platform/ids.h"
#include "own_redis.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::lov::testing::Eventually;
using ::lov::testing::FreePort;
using ::lov::testing::OwnRedis;
using ::lov::testing::ServiceProcess;

// A service under test: its binary, its gRPC service and its metrics label.
struct Watched {
  std::string binary;        // "services/registry/registry"
  std::string grpc_service;  // "lov.registry.v1.RegistryService"
  std::string label;         // "registry"
};

class DependencyHealthTest : public ::testing::TestWithParam<Watched> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ::lov::testing::UniqueName("lov-health-redis");
    std::filesystem::create_directories(dir_);
    redis_port_ = FreePort();
    ASSERT_TRUE(StartRedis());
    // The own Redis has no users: no credentials.
    service_ = std::make_unique<ServiceProcess>(
        GetParam().binary,
        std::vector<std::string>{
            "--namespace=t" + NewUuid().substr(0, 8),
            absl::StrCat("--redis-addr=127.0.0.1:", redis_port_),
            "--redis-username=", "--redis-password-file="});
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    health_ = Health::NewStub(service_->Channel());
  }
  void TearDown() override {
    service_.reset();
    redis_.reset();
    std::filesystem::remove_all(dir_);
  }

  bool StartRedis() {
    redis_ = std::make_unique<OwnRedis>(dir_, redis_port_);
    return redis_->Start();
  }

  HealthCheckResponse::ServingStatus Check(const std::string& service) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
    HealthCheckRequest req;
    req.set_service(service);
    HealthCheckResponse resp;
    if (!health_->Check(&ctx, req, &resp).ok()) {
      return HealthCheckResponse::UNKNOWN;
    }
    return resp.status();
  }

  http::ClientResponse Probe(const std::string& path) {
    absl::StatusOr<http::ClientResponse> r = http::Fetch(
        {.host_port = absl::StrCat("127.0.0.1:", service_->metrics_port()),
         .path = path});
    return r.ok() ? *r : http::ClientResponse{};
  }

  // Both health services and /readyz agree on `serving`.
  bool HealthSays(bool serving) {
    const auto want = serving ? HealthCheckResponse::SERVING
                              : HealthCheckResponse::NOT_SERVING;
    return Check("") == want && Check(GetParam().grpc_service) == want &&
           Probe("/readyz").status == (serving ? 200 : 503);
  }

  // The metric line saying whether `dependency` is up (1) or not (0).
  std::string UpLine(const std::string& dependency, int up) const {
    return absl::StrCat("lov_dependency_up{dependency=\"", dependency,
                        "\",service=\"", GetParam().label, "\"} ", up);
  }

  std::string dir_;
  int redis_port_ = 0;
  std::unique_ptr<OwnRedis> redis_;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<Health::Stub> health_;
};

TEST_P(DependencyHealthTest, RedisOutageIsNotServingUntilRedisIsBack) {
  ASSERT_TRUE(HealthSays(true)) << Probe("/readyz").body;
  // Both dependencies are watched.
  std::string metrics = Probe("/metrics").body;
  EXPECT_NE(metrics.find(UpLine("kafka", 1)), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(UpLine("redis", 1)), std::string::npos) << metrics;

  redis_.reset();  // SIGKILL
  ASSERT_TRUE(Eventually([&] { return HealthSays(false); }, absl::Seconds(8)))
      << Probe("/readyz").body << service_->Log();
  const http::ClientResponse ready = Probe("/readyz");
  EXPECT_NE(ready.body.find("not serving: redis unreachable ("),
            std::string::npos)
      << ready.body;
  EXPECT_EQ(ready.body.find("kafka"), std::string::npos) << ready.body;
  EXPECT_EQ(Probe("/healthz").status, 200);
  metrics = Probe("/metrics").body;
  EXPECT_NE(metrics.find(UpLine("redis", 0)), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(UpLine("kafka", 1)), std::string::npos) << metrics;
  EXPECT_NE(service_->Log().find("dependency unreachable"), std::string::npos);

  ASSERT_TRUE(StartRedis());
  ASSERT_TRUE(Eventually([&] { return HealthSays(true); }, absl::Seconds(8)))
      << Probe("/readyz").body << service_->Log();
  EXPECT_TRUE(service_->Running());
  EXPECT_NE(service_->Log().find("dependency reachable again"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Services, DependencyHealthTest,
    ::testing::Values(Watched{"services/registry/registry",
                              "lov.registry.v1.RegistryService", "registry"},
                      Watched{"services/audit/audit",
                              "lov.audit.v1.AuditService", "audit"}),
    [](const ::testing::TestParamInfo<Watched>& info) {
      return info.param.label;
    });

}  // namespace
}  // namespace lov
