// A long-lived TLS channel, set up as the simulator and lovctl set theirs up
// (QuickReconnect), to a real service that is killed with SIGKILL and
// started again: the next call that waits for readiness is answered within
// the retry budget. The chaos suite's runs AG and AH lost simulator runs to
// exactly this: with a 500 ms minimum connection attempt, nothing polled
// the idle channel in time, and every attempt timed out before its TLS
// handshake (docs/reliability.md).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "lov/platform/grpc_channel.h"
#include "retry.h"
#include "service_test_stack.h"
#include "visit_uploader.h"

namespace lov::upload {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

grpc::Status Check(Health::Stub& health, bool wait_for_ready) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  ctx.set_wait_for_ready(wait_for_ready);
  HealthCheckRequest request;
  HealthCheckResponse response;
  grpc::Status status = health.Check(&ctx, request, &response);
  if (status.ok() && response.status() != HealthCheckResponse::SERVING) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "not serving yet");
  }
  return status;
}

TEST(RestartedServiceTest, AWaitingCallFindsAKilledAndRestartedServiceAgain) {
  testing::ServiceTestStack stack;
  absl::Status started = stack.Start("registry");
  ASSERT_TRUE(started.ok()) << started;
  testing::ServiceProcess& registry = stack.process("registry");
  auto health = Health::NewStub(OpenChannel(registry.target(),
                                            stack.stack().Client("system:test"),
                                            nullptr, QuickReconnect()));
  ASSERT_TRUE(Check(*health, true).ok());

  registry.Kill();
  // A call while it is down fails at once (it does not wait for a service
  // that is gone) and leaves the channel in backoff.
  EXPECT_EQ(Check(*health, false).error_code(), grpc::StatusCode::UNAVAILABLE);
  started = registry.Start();
  ASSERT_TRUE(started.ok()) << started;
  // Idle for a while, as the simulator is between two phases: nothing polls
  // the channel but gRPC's backup poller.
  std::this_thread::sleep_for(std::chrono::seconds(6));

  UploadOptions options;
  options.max_attempts = 4;  // as much waiting as the simulator's budget
  grpc::Status status =
      RetryWrite([&] { return Check(*health, true); }, options);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace lov::upload
