#include "test_stack.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
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

// The stack's settings: the env file's, each overridden by the environment.
std::map<std::string, std::string> StackEnvironment() {
  std::map<std::string, std::string> env;
  if (std::string file = EnvOr("LOV_TEST_ENV_FILE", ""); !file.empty()) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq != std::string::npos)
        env[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  for (const char* name :
       {"LOV_KAFKA_BROKERS", "LOV_REDIS_ADDR", "LOV_CERTS_DIR",
        "LOV_SECRETS_DIR", "LOV_KAFKA_SECURITY_PROTOCOL",
        "LOV_KAFKA_SASL_MECHANISM", "LOV_KAFKA_SASL_USERNAME",
        "LOV_KAFKA_SASL_PASSWORD_FILE", "LOV_KAFKA_CA", "LOV_REDIS_USERNAME",
        "LOV_REDIS_PASSWORD_FILE"}) {
    if (std::string v = EnvOr(name, ""); !v.empty()) env[name] = v;
  }
  return env;
}

std::string ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  std::string secret;
  std::getline(in, secret);
  return secret;
}

TestStack Load() {
  std::map<std::string, std::string> env = StackEnvironment();
  TestStack s;
  s.kafka_brokers = env["LOV_KAFKA_BROKERS"];
  s.redis_addr = env["LOV_REDIS_ADDR"];
  s.certs_dir = env["LOV_CERTS_DIR"];
  s.secrets_dir = env["LOV_SECRETS_DIR"];
  for (const auto& [name, librdkafka] :
       std::vector<std::pair<std::string, std::string>>{
           {"LOV_KAFKA_SECURITY_PROTOCOL", "security.protocol"},
           {"LOV_KAFKA_SASL_MECHANISM", "sasl.mechanisms"},
           {"LOV_KAFKA_SASL_USERNAME", "sasl.username"},
           {"LOV_KAFKA_CA", "ssl.ca.location"}}) {
    if (!env[name].empty())
      s.kafka_security.emplace_back(librdkafka, env[name]);
  }
  if (!env["LOV_KAFKA_SASL_PASSWORD_FILE"].empty()) {
    s.kafka_security.emplace_back(
        "sasl.password", ReadSecretFile(env["LOV_KAFKA_SASL_PASSWORD_FILE"]));
  }
  s.redis_auth.username = env["LOV_REDIS_USERNAME"];
  if (!env["LOV_REDIS_PASSWORD_FILE"].empty()) {
    s.redis_auth.password = ReadSecretFile(env["LOV_REDIS_PASSWORD_FILE"]);
  }
  if (s.kafka_brokers.empty() || s.redis_addr.empty() || s.certs_dir.empty() ||
      s.secrets_dir.empty()) {
    std::cerr << "integration tests need Kafka, Redis, certificates and "
                 "credentials: set LOV_KAFKA_BROKERS, LOV_REDIS_ADDR, "
                 "LOV_CERTS_DIR and LOV_SECRETS_DIR with the admin user's "
                 "LOV_KAFKA_* and LOV_REDIS_* (see deploy/local/stack.sh), or "
                 "run them through ctest, whose fixture starts "
                 "deploy/local/stack.sh\n";
    std::abort();
  }
  return s;
}

// The stack's services (deploy/local/stack.sh makes a user for each).
bool IsService(const std::string& name) {
  for (const char* s : {"registry", "choice", "visits", "settlement", "console",
                        "audit", "followup"}) {
    if (name == s) return true;
  }
  return false;
}

}  // namespace

KafkaSettings TestStack::kafka(const std::string& client) const {
  KafkaSettings k;
  k.brokers = kafka_brokers;
  k.client_id = client;
  k.connect_timeout = absl::Seconds(20);
  k.security = kafka_security;
  return k;
}

KafkaSettings TestStack::reader(const std::string& client) const {
  return kafka_as("lov-reader", client);
}

KafkaSettings TestStack::kafka_as(const std::string& user,
                                  const std::string& client) const {
  KafkaSettings k = kafka(client);
  for (auto& [name, value] : k.security) {
    if (name == "sasl.username") value = user;
    if (name == "sasl.password") {
      value = ReadSecretFile(
          absl::StrCat(secrets_dir, "/kafka/", user, ".password"));
    }
  }
  return k;
}

absl::StatusOr<std::unique_ptr<RedisClient>> TestStack::ConnectRedis() const {
  return RedisClient::Connect(redis_addr, absl::Seconds(5), redis_auth);
}

std::vector<std::string> TestStack::CredentialEnv(
    const std::string& service) const {
  const std::string user = IsService(service) ? "lov-" + service : "lov-admin";
  std::vector<std::string> env = {
      "LOV_KAFKA_SASL_USERNAME=" + user,
      absl::StrCat("LOV_KAFKA_SASL_PASSWORD_FILE=", secrets_dir, "/kafka/",
                   user, ".password"),
      "LOV_REDIS_USERNAME=" + user,
      absl::StrCat("LOV_REDIS_PASSWORD_FILE=", secrets_dir, "/redis/", user,
                   ".password")};
  for (const auto& [librdkafka, name] :
       std::vector<std::pair<std::string, std::string>>{
           {"security.protocol", "LOV_KAFKA_SECURITY_PROTOCOL"},
           {"sasl.mechanisms", "LOV_KAFKA_SASL_MECHANISM"},
           {"ssl.ca.location", "LOV_KAFKA_CA"}}) {
    for (const auto& [k, v] : kafka_security) {
      if (k == librdkafka) env.push_back(name + "=" + v);
    }
  }
  return env;
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

std::unique_ptr<RdKafka::Conf> KafkaConf(const KafkaSettings& settings) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  EXPECT_TRUE(SetConnectionConfig(conf.get(), settings).ok());
  return conf;
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
  // As an outside subscriber with read rights only (lov-reader): each
  // attempt reads the topic from the beginning to its end, outside any
  // consumer group, so nothing is ever written (no offsets, no dead
  // letters).
  std::vector<CloudEvent> out;
  Eventually(
      [&] {
        std::vector<CloudEvent> read;
        absl::Status s = ReplayTopics(Stack().reader("reader"), {topic},
                                      [&read](const CloudEvent& e) {
                                        read.push_back(e);
                                        return absl::OkStatus();
                                      });
        if (!s.ok()) return false;
        out = std::move(read);
        return done(out);
      },
      timeout);
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
  absl::StatusOr<std::unique_ptr<RedisClient>> redis = Stack().ConnectRedis();
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
