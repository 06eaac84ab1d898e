// Kafka and Redis credentials, against the local stack as deploy/local/
// stack.sh runs it (Kafka SASL_SSL with SCRAM-SHA-512, Redis ACL users): a
// service with wrong or missing credentials ends start-up with a message
// that names the user and the settings to check, and a service's Redis user
// reaches only its own keys.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/redis.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::Stack;

constexpr char kRegistry[] = "services/registry/registry";

// A file holding a password the stack never made.
std::string WrongPasswordFile() {
  const std::string path =
      std::filesystem::temp_directory_path() /
      absl::StrCat("lov-wrong-", NewUuid().substr(0, 8), ".password");
  std::ofstream(path) << "not-the-password\n";
  return path;
}

// The registry with the stack's address and TLS, as its own user
// (lov-registry) except for what `flags` and `env` change.
RunResult StartRegistry(std::vector<std::string> flags,
                        const std::vector<std::string>& env = {}) {
  for (std::string& f : Stack().ServiceTlsFlags()) flags.push_back(f);
  flags.push_back("--kafka-brokers=" + Stack().kafka_brokers);
  flags.push_back("--redis-addr=" + Stack().redis_addr);
  flags.push_back("--namespace=cred" + NewUuid().substr(0, 8));
  flags.push_back("--grpc-port=0");
  flags.push_back("--metrics-port=0");
  return RunToCompletion(kRegistry, flags, absl::Seconds(60), env);
}

TEST(SecurityCredentialsTest, AWrongKafkaPasswordEndsStartUpNamingTheUser) {
  RunResult r =
      StartRegistry({"--kafka-sasl-password-file=" + WrongPasswordFile()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(absl::StrContains(
      r.output, absl::StrCat("registry: Kafka at ", Stack().kafka_brokers,
                             " refused the credentials of user lov-registry")))
      << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "--kafka-sasl-password-file"))
      << r.output;
  EXPECT_FALSE(absl::StrContains(r.output, "not-the-password")) << r.output;
}

TEST(SecurityCredentialsTest, AWrongRedisPasswordEndsStartUpNamingTheUser) {
  RunResult r = StartRegistry({"--redis-password-file=" + WrongPasswordFile()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(absl::StrContains(
      r.output, absl::StrCat("registry: Redis at ", Stack().redis_addr,
                             " refused the credentials of user lov-registry")))
      << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "--redis-password-file")) << r.output;
  EXPECT_FALSE(absl::StrContains(r.output, "not-the-password")) << r.output;
}

TEST(SecurityCredentialsTest,
     MissingCredentialsEndStartUpWithTheSettingsToGive) {
  RunResult no_redis =
      StartRegistry({}, {"LOV_REDIS_USERNAME=", "LOV_REDIS_PASSWORD_FILE="});
  EXPECT_EQ(no_redis.exit_code, 1) << no_redis.output;
  EXPECT_TRUE(absl::StrContains(
      no_redis.output,
      absl::StrCat("Redis at ", Stack().redis_addr, " requires a password")))
      << no_redis.output;

  RunResult no_kafka_password =
      StartRegistry({}, {"LOV_KAFKA_SASL_PASSWORD_FILE="});
  EXPECT_EQ(no_kafka_password.exit_code, 1) << no_kafka_password.output;
  EXPECT_TRUE(absl::StrContains(
      no_kafka_password.output,
      "--kafka-security-protocol=SASL_SSL needs --kafka-sasl-username and "
      "--kafka-sasl-password-file"))
      << no_kafka_password.output;

  RunResult no_protocol = StartRegistry({}, {"LOV_KAFKA_SECURITY_PROTOCOL="});
  EXPECT_EQ(no_protocol.exit_code, 1) << no_protocol.output;
  EXPECT_TRUE(absl::StrContains(no_protocol.output,
                                "no Kafka security settings: set "
                                "--kafka-security-protocol=SASL_SSL"))
      << no_protocol.output;
}

TEST(SecurityCredentialsTest, AServicesRedisUserReachesOnlyItsOwnKeys) {
  std::ifstream in(Stack().secrets_dir + "/redis/lov-registry.password");
  std::string password;
  std::getline(in, password);
  auto redis = RedisClient::Connect(Stack().redis_addr, absl::Seconds(5),
                                    {"lov-registry", password});
  ASSERT_TRUE(redis.ok()) << redis.status();
  const std::string ns = "cred" + NewUuid().substr(0, 8);
  EXPECT_TRUE((*redis)->Command({"SET", ns + ":lov:registry:k", "1"}).ok());
  absl::Status other =
      (*redis)->Command({"GET", ns + ":lov:choice:k"}).status();
  EXPECT_TRUE(absl::StrContains(other.message(), "NOPERM")) << other;
  absl::Status keys = (*redis)->Command({"KEYS", "*"}).status();
  EXPECT_TRUE(absl::StrContains(keys.message(), "NOPERM")) << keys;
  EXPECT_TRUE((*redis)->Command({"DEL", ns + ":lov:registry:k"}).ok());
}

}  // namespace
}  // namespace lov
