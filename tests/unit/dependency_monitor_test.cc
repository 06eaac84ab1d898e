// The dependency monitor with fake probes: which dependencies it reports
// unreachable and when, its metric, and one log line per change; and the
// real probes where nothing answers.
#include "lov/platform/dependency_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "lov/platform/dependency_probes.h"
#include "lov/platform/metrics.h"

namespace lov {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A dependency whose reachability the test sets.
struct FakeDependency {
  std::string name;
  std::atomic<bool> up{true};
  std::atomic<int> checks{0};
  Dependency AsDependency() {
    return {name, [this] {
              ++checks;
              return up ? absl::OkStatus()
                        : absl::UnavailableError(name + " refused");
            }};
  }
};

// Every call of OnChange, as "name: error" lists.
struct Changes {
  std::vector<std::vector<std::string>> calls;
  DependencyMonitor::OnChange Record() {
    return [this](const std::vector<DependencyDown>& down) {
      std::vector<std::string> call;
      for (const DependencyDown& d : down)
        call.push_back(d.name + ": " + d.error);
      calls.push_back(call);
    };
  }
};

double Up(const std::string& service, const std::string& dependency) {
  return metrics::Registry::Default()
      .GetGauge("lov_dependency_up", "",
                {{"service", service}, {"dependency", dependency}})
      .value();
}

// The log lines of `round` whose text holds "dependency".
std::vector<std::string> DependencyLogLines(
    const std::function<void()>& round) {
  ::testing::internal::CaptureStderr();
  round();
  const std::vector<std::string> lines =
      absl::StrSplit(::testing::internal::GetCapturedStderr(), '\n');
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (line.find("dependency") != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST(DependencyMonitorTest, ReportsWhatIsDownOnlyWhenThatChanges) {
  FakeDependency kafka{"kafka"}, redis{"redis"};
  Changes changes;
  DependencyMonitor monitor(
      "svc-a", {kafka.AsDependency(), redis.AsDependency()}, changes.Record());

  // The first round says where things stand, even when all is well.
  monitor.CheckNow();
  ASSERT_THAT(changes.calls, SizeIs(1));
  EXPECT_THAT(changes.calls[0], IsEmpty());
  EXPECT_EQ(Up("svc-a", "kafka"), 1);
  EXPECT_EQ(Up("svc-a", "redis"), 1);
  monitor.CheckNow();
  EXPECT_THAT(changes.calls, SizeIs(1));

  redis.up = false;
  monitor.CheckNow();
  ASSERT_THAT(changes.calls, SizeIs(2));
  EXPECT_THAT(changes.calls[1], ElementsAre("redis: redis refused"));
  EXPECT_EQ(Up("svc-a", "kafka"), 1);
  EXPECT_EQ(Up("svc-a", "redis"), 0);
  monitor.CheckNow();  // still down: nothing new to tell
  EXPECT_THAT(changes.calls, SizeIs(2));

  kafka.up = false;
  monitor.CheckNow();
  ASSERT_THAT(changes.calls, SizeIs(3));
  EXPECT_THAT(changes.calls[2],
              ElementsAre("kafka: kafka refused", "redis: redis refused"));

  kafka.up = true;
  redis.up = true;
  monitor.CheckNow();
  ASSERT_THAT(changes.calls, SizeIs(4));
  EXPECT_THAT(changes.calls[3], IsEmpty());
  EXPECT_EQ(Up("svc-a", "kafka"), 1);
  EXPECT_EQ(Up("svc-a", "redis"), 1);
}

TEST(DependencyMonitorTest, LogsEachChangeOnceNotEveryCheck) {
  FakeDependency redis{"redis"};
  Changes changes;
  DependencyMonitor monitor("svc-b", {redis.AsDependency()}, changes.Record());
  EXPECT_THAT(DependencyLogLines([&] { monitor.CheckNow(); }), IsEmpty());

  redis.up = false;
  std::vector<std::string> lines = DependencyLogLines([&] {
    monitor.CheckNow();
    monitor.CheckNow();
    monitor.CheckNow();
  });
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0], HasSubstr("\"msg\":\"dependency unreachable"));
  EXPECT_THAT(lines[0], HasSubstr("redis refused"));

  redis.up = true;
  lines = DependencyLogLines([&] {
    monitor.CheckNow();
    monitor.CheckNow();
  });
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0], HasSubstr("\"msg\":\"dependency reachable again\""));
}

TEST(DependencyMonitorTest, ChecksInTheBackgroundUntilStopped) {
  FakeDependency kafka{"kafka"};
  std::atomic<int> reports{0};
  std::atomic<bool> kafka_down{false};
  DependencyMonitor monitor("svc-c", {kafka.AsDependency()},
                            [&](const std::vector<DependencyDown>& down) {
                              kafka_down = !down.empty();
                              ++reports;
                            });
  monitor.Start(absl::Milliseconds(10));
  auto wait_for = [](const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return reports == 1; }));
  kafka.up = false;
  ASSERT_TRUE(wait_for([&] { return kafka_down.load(); }));
  kafka.up = true;
  ASSERT_TRUE(wait_for([&] { return !kafka_down.load(); }));
  EXPECT_EQ(reports, 3);

  monitor.Stop();
  const int checks = kafka.checks;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(kafka.checks, checks);
}

// The real probes, pointed at a port nothing listens on (port 1 refuses
// at once): unreachable, saying where, within their timeout.
TEST(DependencyProbesTest, NothingListeningIsUnreachable) {
  KafkaSettings kafka;
  kafka.brokers = "127.0.0.1:1";
  kafka.client_id = "probe-test";
  kafka.security = {{"security.protocol", "PLAINTEXT"}};
  Dependency k = KafkaDependency(kafka, absl::Milliseconds(300));
  EXPECT_EQ(k.name, "kafka");
  const absl::Time start = absl::Now();
  absl::Status s = k.check();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("no Kafka broker at 127.0.0.1:1 answered within"));

  Dependency r = RedisDependency("127.0.0.1:1", {}, absl::Milliseconds(300));
  EXPECT_EQ(r.name, "redis");
  s = r.check();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("127.0.0.1:1"));
}

}  // namespace
}  // namespace lov
