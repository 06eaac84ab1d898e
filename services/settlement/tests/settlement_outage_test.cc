// The settlement binary against a Redis of the test's own that refuses
// writes for a while (the shared Redis of the other tests stays healthy):
// the events that arrive meanwhile are outages to ride out, not bad events.
// Nothing is dead-lettered, the consumer shows that it is retrying, and the
// state catches up once Redis takes writes again.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "lov/platform/redis.h"
#include "lov/settlement/tests/settlement_test_support.h"
#include "own_redis.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::OwnRedis;

// A way for Redis to refuse writes: CONFIG SET pairs that cause it and the
// pairs that end it.
struct WriteFault {
  std::string name;
  std::vector<std::string> on;
  std::vector<std::string> off;
};

void PrintTo(const WriteFault& fault, std::ostream* os) { *os << fault.name; }

// Undoes the fault even when an assertion ends the test early.
class FaultGuard {
 public:
  FaultGuard(RedisClient* redis, const WriteFault& fault)
      : redis_(redis), fault_(fault) {}
  ~FaultGuard() { (void)End(); }
  absl::Status Begin() { return ConfigSet(fault_.on); }
  absl::Status End() { return ConfigSet(fault_.off); }

 private:
  absl::Status ConfigSet(const std::vector<std::string>& pairs) {
    std::vector<std::string> command = {"CONFIG", "SET"};
    command.insert(command.end(), pairs.begin(), pairs.end());
    return redis_->Command(command).status();
  }
  RedisClient* redis_;
  const WriteFault& fault_;
};

class SettlementOutageTest : public test_support::SettlementFixture,
                             public ::testing::WithParamInterface<WriteFault> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ::lov::testing::UniqueName("lov-settlement-redis");
    std::filesystem::create_directories(dir_);
    redis_server_ =
        std::make_unique<OwnRedis>(dir_, ::lov::testing::FreePort());
    ASSERT_TRUE(redis_server_->Start());
    auto redis = RedisClient::Connect(redis_server_->addr());
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    // The own Redis has no users: no credentials.
    StartService({"--redis-addr=" + redis_server_->addr(),
                  "--redis-username=", "--redis-password-file="});
  }
  void TearDown() override {
    service_.reset();
    redis_server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<OwnRedis> redis_server_;
  std::unique_ptr<RedisClient> redis_;
};

TEST_P(SettlementOutageTest, EventsWaitForRedisAndNothingIsDeadLettered) {
  ConfigureRates();
  PublishRegistry();
  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    Get("prv-a", "2024-01", &s);
    return s.ok();
  })) << service_->Log();

  FaultGuard fault(redis_.get(), GetParam());
  ASSERT_TRUE(fault.Begin().ok());
  PublishAssignment();
  PublishJanuaryVisits();
  ASSERT_TRUE(Eventually([&] {
    return StateConsumerGauge("lov_consumer_retrying") == 1;
  })) << service_->Log();
  EXPECT_EQ(StateConsumerGauge("lov_events_dead_lettered_total"), 0);
  ASSERT_TRUE(fault.End().ok());

  // Every event that waited is in the state: the visits and the listing fee
  // of the assignment.
  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    v1::Statement st = Get("prv-a", "2024-01", &s);
    return s.ok() && st.performed_seconds() == 3600 + 5400 + 3600 &&
           Sum(st, v1::LINE_KIND_LISTING_FEE) > 0;
  })) << service_->Log();
  ASSERT_TRUE(StateConsumerCaughtUp()) << service_->Log();
  EXPECT_EQ(StateConsumerGauge("lov_events_dead_lettered_total"), 0);
  EXPECT_TRUE(DeadLettered().empty());
}

INSTANTIATE_TEST_SUITE_P(Faults, SettlementOutageTest,
                         ::testing::Values(
                             // Redis answers NOREPLICAS to every write.
                             WriteFault{"TooFewReplicas",
                                        {"min-replicas-to-write", "1"},
                                        {"min-replicas-to-write", "0"}},
                             // Redis answers OOM to every write.
                             WriteFault{"OutOfMemory",
                                        {"maxmemory-policy", "noeviction",
                                         "maxmemory", "1"},
                                        {"maxmemory", "0"}}),
                         [](const ::testing::TestParamInfo<WriteFault>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace lov::settlement
