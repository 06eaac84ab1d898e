#ifndef LOV_TESTS_SUPPORT_TEST_STACK_H_
#define LOV_TESTS_SUPPORT_TEST_STACK_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"

namespace lov::testing {

// The Kafka, Redis, credentials and certificates the integration tests use:
// LOV_KAFKA_BROKERS, LOV_REDIS_ADDR, LOV_CERTS_DIR, LOV_SECRETS_DIR and the
// admin user's LOV_KAFKA_SECURITY_PROTOCOL, LOV_KAFKA_SASL_*, LOV_KAFKA_CA,
// LOV_REDIS_USERNAME, LOV_REDIS_PASSWORD_FILE from the environment, else
// from the env file that deploy/local/stack.sh wrote for the ctest fixture
// (LOV_TEST_ENV_FILE).
struct TestStack {
  std::string kafka_brokers;
  std::string redis_addr;
  // deploy/local/certs.sh's directory: the local CA, the services'
  // certificate, a client certificate per identity.
  std::string certs_dir;
  // stack.sh's passwords: kafka/USER.password, redis/USER.password.
  std::string secrets_dir;
  // The admin user's (lov-admin), with which the tests make topics and
  // write; they read as reader().
  std::vector<std::pair<std::string, std::string>> kafka_security;
  RedisAuth redis_auth;
  KafkaSettings kafka(const std::string& client = "test") const;
  // Kafka as the read-only lov-reader user (deploy/kafka/reader-user.yaml):
  // an outside subscriber, which may read every topic and use only consumer
  // groups "reader..." and "lov-replay-...", and write nothing.
  KafkaSettings reader(const std::string& client = "reader") const;
  // Kafka signed in as the stack's KafkaUser `user` ("lov-visits",
  // "lov-console": stack.sh makes one per service, with the ACLs of
  // k8s/base/kafka/users.yaml), its password from secrets_dir as run.sh
  // gives it to the service.
  KafkaSettings kafka_as(const std::string& user,
                         const std::string& client) const;
  // A Redis connection as the admin user.
  absl::StatusOr<std::unique_ptr<RedisClient>> ConnectRedis() const;
  // How a service binary connects as its own user (lov-<service>; the
  // admin user for a binary that is no service): LOV_KAFKA_SECURITY_PROTOCOL,
  // LOV_KAFKA_SASL_USERNAME, LOV_KAFKA_SASL_PASSWORD_FILE, LOV_KAFKA_CA,
  // LOV_REDIS_USERNAME, LOV_REDIS_PASSWORD_FILE as "NAME=value".
  std::vector<std::string> CredentialEnv(const std::string& service) const;

  // --tls-cert, --tls-key, --tls-client-ca: a service under test serves TLS
  // and verifies client certificates, as in production.
  std::vector<std::string> ServiceTlsFlags() const;
  // A client of the services with the client certificate of `identity`
  // ("system:test", "service:choice", "provider:prv-5565541645").
  ClientTls Client(const std::string& identity = "system:test") const;
  // The same for a child process (lovctl, the simulator): LOV_TLS_CA,
  // LOV_TLS_CLIENT_CERT, LOV_TLS_CLIENT_KEY as "NAME=value".
  std::vector<std::string> ClientEnv(
      const std::string& identity = "system:test") const;
};
const TestStack& Stack();

// A librdkafka configuration that connects as `settings` say (brokers, TLS,
// SASL user), for a test's own producer, consumer or admin client; a failure
// of the test if the settings do not apply.
std::unique_ptr<RdKafka::Conf> KafkaConf(const KafkaSettings& settings);

// A topic name no other test run uses.
std::string UniqueName(const std::string& prefix);

// Reads a topic from the beginning as an outside subscriber would, as the
// read-only lov-reader (reader()), until `count` events arrived or `timeout`
// passed.
std::vector<CloudEvent> ReadEvents(const std::string& topic, size_t count,
                                   absl::Duration timeout = absl::Seconds(30));

// Reads a topic from the beginning, as ReadEvents, until `done` holds for
// what arrived (or `timeout` passed): for tests that wait for events of
// given types among others.
std::vector<CloudEvent> ReadEventsUntil(
    const std::string& topic,
    const std::function<bool(const std::vector<CloudEvent>&)>& done,
    absl::Duration timeout = absl::Seconds(30));

// Deletes the Redis keys matching `pattern` (a service's state, to prove it
// rebuilds from Kafka); the number deleted.
absl::StatusOr<int> WipeRedisKeys(const std::string& pattern);

// Polls `condition` until true or the timeout passes; returns the last value.
bool Eventually(const std::function<bool()>& condition,
                absl::Duration timeout = absl::Seconds(30));

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_TEST_STACK_H_
