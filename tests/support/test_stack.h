#ifndef LOV_TESTS_SUPPORT_TEST_STACK_H_
#define LOV_TESTS_SUPPORT_TEST_STACK_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lov/platform/kafka.h"

namespace lov::testing {

// The Kafka and Redis the integration tests use: LOV_KAFKA_BROKERS and
// LOV_REDIS_ADDR when set in the environment, otherwise the env file that
// deploy/local/stack.sh wrote for the ctest fixture (LOV_TEST_ENV_FILE).
struct TestStack {
  std::string kafka_brokers;
  std::string redis_addr;
  KafkaSettings kafka(const std::string& client = "test") const;
};
const TestStack& Stack();

// A topic name no other test run uses.
std::string UniqueName(const std::string& prefix);

// Reads a topic from the beginning as an outside subscriber would (its own
// consumer group) until `count` events arrived or `timeout` passed.
std::vector<CloudEvent> ReadEvents(const std::string& topic, size_t count,
                                   absl::Duration timeout = absl::Seconds(30));

// Polls `condition` until true or the timeout passes; returns the last value.
bool Eventually(const std::function<bool()>& condition,
                absl::Duration timeout = absl::Seconds(30));

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_TEST_STACK_H_
