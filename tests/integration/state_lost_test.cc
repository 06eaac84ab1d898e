// The "state is built" marker is watched while a service runs (issue 15):
// the registry binary, its ready key deleted while it serves (as when Redis
// is wiped or restarts without its data). The process stops at once with a
// non-zero exit code naming the projection, and the next start rebuilds the
// state from Kafka and sets the key again.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/projection.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::FreePort;
using ::lov::testing::RunResult;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;

constexpr char kRegistry[] = "services/registry/registry";

TEST(ProjectionStateTest, AServiceWhoseStateIsGoneExitsAndItsRestartRebuilds) {
  const std::string ns = "t" + NewUuid().substr(0, 8);
  const std::string ready_key = ns + ":lov:registry:ready";
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  auto ready = [&] {
    absl::StatusOr<RedisReply> r = (*redis)->Command({"EXISTS", ready_key});
    return r.ok() && r->integer == 1;
  };

  // What ServiceProcess gives a service, run to its end here to see how it
  // ends.
  std::vector<std::string> flags = {"--namespace=" + ns,
                                    absl::StrCat("--grpc-port=", FreePort()),
                                    absl::StrCat("--metrics-port=", FreePort()),
                                    "--kafka-brokers=" + Stack().kafka_brokers,
                                    "--redis-addr=" + Stack().redis_addr,
                                    "--grpc-listen-address=127.0.0.1"};
  for (std::string& tls : Stack().ServiceTlsFlags()) {
    flags.push_back(std::move(tls));
  }
  std::atomic<bool> deleted{false};
  std::thread lose_state([&] {
    // Once the start has built the state and set its key, Redis loses it.
    if (Eventually(ready, absl::Seconds(90))) {
      deleted = (*redis)->Command({"DEL", ready_key}).ok();
    }
  });
  const RunResult run = ::lov::testing::RunToCompletion(
      kRegistry, flags, absl::Seconds(120),
      {absl::StrCat("LOV_PROVIDER_ID_KEY=", ::lov::testing::kTestServiceKey)});
  lose_state.join();
  ASSERT_TRUE(deleted.load()) << run.output;
  EXPECT_EQ(run.exit_code, kStateLostExitCode) << run.output;
  EXPECT_NE(run.output.find("the state is gone from Redis"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("\"projection\":\"state\""), std::string::npos)
      << run.output;
  EXPECT_FALSE(ready());

  // The orchestrator's restart: rebuilt from Kafka, the key set again, and
  // the service stays up.
  ServiceProcess registry(kRegistry, {"--namespace=" + ns});
  ASSERT_TRUE(registry.Start().ok()) << registry.Log();
  EXPECT_NE(registry.Log().find("state rebuilt"), std::string::npos)
      << registry.Log();
  EXPECT_TRUE(ready());
  EXPECT_TRUE(registry.Running()) << registry.Log();
}

}  // namespace
}  // namespace lov
