#include "test_stack.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/redis.h"

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
  s.certs_dir = EnvOr("LOV_CERTS_DIR", "");
  std::string file = EnvOr("LOV_TEST_ENV_FILE", "");
  if (!file.empty() && (s.kafka_brokers.empty() || s.redis_addr.empty() ||
                        s.certs_dir.empty())) {
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
      if (key == "LOV_CERTS_DIR" && s.certs_dir.empty()) s.certs_dir = value;
    }
  }
  if (s.kafka_brokers.empty() || s.redis_addr.empty() || s.certs_dir.empty()) {
    std::cerr << "integration tests need Kafka, Redis and certificates: set "
                 "LOV_KAFKA_BROKERS, LOV_REDIS_ADDR and LOV_CERTS_DIR "
                 "(deploy/local/certs.sh), or run them through ctest, whose "
                 "fixture starts deploy/local/stack.sh\n";
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

std::vector<std::string> TestStack::ServiceTlsFlags() const {
  return {"--tls-cert=" + certs_dir + "/server.crt",
          "--tls-key=" + certs_dir + "/server.key",
          "--tls-client-ca=" + certs_dir + "/ca.crt"};
}

ClientTls TestStack::Client(const std::string& identity) const {
  // certs.sh names a client's files after its identity, ':' as '-'.
  std::string file = identity;
  std::replace(file.begin(), file.end(), ':', '-');
  ClientTls tls;
  tls.ca_file = certs_dir + "/ca.crt";
  tls.cert_file = absl::StrCat(certs_dir, "/clients/", file, ".crt");
  tls.key_file = absl::StrCat(certs_dir, "/clients/", file, ".key");
  return tls;
}

std::vector<std::string> TestStack::ClientEnv(
    const std::string& identity) const {
  ClientTls tls = Client(identity);
  return {"LOV_TLS_CA=" + tls.ca_file, "LOV_TLS_CLIENT_CERT=" + tls.cert_file,
          "LOV_TLS_CLIENT_KEY=" + tls.key_file};
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
  return ReadEventsUntil(
      topic,
      [count](const std::vector<CloudEvent>& events) {
        return events.size() >= count;
      },
      timeout);
}

std::vector<CloudEvent> ReadEventsUntil(
    const std::string& topic,
    const std::function<bool(const std::vector<CloudEvent>&)>& done,
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
        return done(out);
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

absl::StatusOr<int> WipeRedisKeys(const std::string& pattern) {
  absl::StatusOr<std::unique_ptr<RedisClient>> redis =
      RedisClient::Connect(Stack().redis_addr);
  if (!redis.ok()) return redis.status();
  absl::StatusOr<RedisReply> keys = (*redis)->Command({"KEYS", pattern});
  if (!keys.ok()) return keys.status();
  for (const RedisReply& k : keys->elements) {
    if (absl::Status s = (*redis)->Command({"DEL", k.str}).status(); !s.ok()) {
      return s;
    }
  }
  return static_cast<int>(keys->elements.size());
}

}  // namespace lov::testing
