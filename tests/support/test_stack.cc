#include "test_stack.h"

#include <librdkafka/rdkafkacpp.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"

namespace lov::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

TestStack Load() {
  TestStack s;
  s.kafka_brokers = EnvOr("LOV_KAFKA_BROKERS", "");
  s.redis_addr = EnvOr("LOV_REDIS_ADDR", "");
  std::string file = EnvOr("LOV_TEST_ENV_FILE", "");
  if (!file.empty() && (s.kafka_brokers.empty() || s.redis_addr.empty())) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      if (key == "LOV_KAFKA_BROKERS" && s.kafka_brokers.empty()) {
        s.kafka_brokers = value;
      }
      if (key == "LOV_REDIS_ADDR" && s.redis_addr.empty()) {
        s.redis_addr = value;
      }
    }
  }
  if (s.kafka_brokers.empty() || s.redis_addr.empty()) {
    std::cerr << "integration tests need Kafka and Redis: set "
                 "LOV_KAFKA_BROKERS and LOV_REDIS_ADDR, or run them through "
                 "ctest, whose fixture starts deploy/local/stack.sh\n";
    std::abort();
  }
  return s;
}

}  // namespace

KafkaSettings TestStack::kafka(const std::string& client) const {
  KafkaSettings k;
  k.brokers = kafka_brokers;
  k.client_id = client;
  k.connect_timeout = absl::Seconds(20);
  return k;
}

const TestStack& Stack() {
  static const TestStack stack = Load();
  return stack;
}

std::string UniqueName(const std::string& prefix) {
  return absl::StrCat(prefix, "-", NewUuid().substr(0, 8));
}

std::vector<CloudEvent> ReadEvents(const std::string& topic, size_t count,
                                   absl::Duration timeout) {
  std::vector<CloudEvent> out;
  std::mutex mu;
  // A throwaway producer only for the consumer's (unused) dead-letter path.
  auto producer = EventProducer::Create(Stack().kafka("reader"));
  if (!producer.ok()) return out;
  ConsumerSettings settings;
  settings.kafka = Stack().kafka("reader");
  settings.group_id = UniqueName("reader");
  settings.topics = {topic};
  settings.dead_letter_topic = topic + ".reader-dlq";
  auto consumer = EventConsumer::Create(settings, producer->get(), nullptr,
                                        [&](const CloudEvent& e) {
                                          std::lock_guard<std::mutex> lock(mu);
                                          out.push_back(e);
                                          return absl::OkStatus();
                                        });
  if (!consumer.ok()) return out;
  (*consumer)->Start();
  Eventually(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return out.size() >= count;
      },
      timeout);
  (*consumer)->Stop();
  std::lock_guard<std::mutex> lock(mu);
  return out;
}

bool Eventually(const std::function<bool()>& condition,
                absl::Duration timeout) {
  absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace lov::testing
