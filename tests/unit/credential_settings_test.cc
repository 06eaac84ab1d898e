// How a service reads its Kafka and Redis credentials (flags / LOV_*
// variables, passwords from files) and when it refuses to start with them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "lov/platform/config.h"
#include "lov/platform/ids.h"
#include "lov/platform/service_host.h"

namespace lov {
namespace {

// A file with `content`, as a mounted Secret or stack.sh's run dir has it.
std::string SecretFile(const std::string& content) {
  const std::string path = std::filesystem::temp_directory_path() /
                           ("lov-secret-" + NewUuid().substr(0, 8));
  std::ofstream(path) << content;
  return path;
}

std::string Setting(const CommonSettings& s, const std::string& key) {
  for (const auto& [k, v] : s.kafka_security) {
    if (k == key) return v;
  }
  return "<unset>";
}

TEST(CredentialSettingsTest, PasswordsComeFromFilesWithoutTheirNewline) {
  Config config({{"kafka-sasl-password-file", SecretFile("k-pass\n")}},
                {{"LOV_INSECURE_PLAINTEXT", "true"},
                 {"LOV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"},
                 {"LOV_KAFKA_SASL_USERNAME", "lov-visits"},
                 {"LOV_KAFKA_CA", "/run/kafka/ca.crt"},
                 {"LOV_REDIS_USERNAME", "lov-visits"},
                 {"LOV_REDIS_PASSWORD_FILE", SecretFile("r-pass\n")}});
  CommonSettings s = ReadCommonSettings(config, "visits", 1, 2);
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(Setting(s, "sasl.password"), "k-pass");
  EXPECT_EQ(Setting(s, "sasl.username"), "lov-visits");
  // A SASL protocol without a mechanism: the one the clusters use.
  EXPECT_EQ(Setting(s, "sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(Setting(s, "ssl.ca.location"), "/run/kafka/ca.crt");
  EXPECT_EQ(s.redis_auth.username, "lov-visits");
  EXPECT_EQ(s.redis_auth.password, "r-pass");
  EXPECT_TRUE(s.CheckKafkaSecurity().ok()) << s.CheckKafkaSecurity();
}

TEST(CredentialSettingsTest, AnUnreadableOrDoubleSecretIsNamed) {
  Config config({{"redis-password-file", "/nonexistent/redis.password"},
                 {"kafka-sasl-password", "inline"},
                 {"kafka-sasl-password-file", SecretFile("file")}},
                {{"LOV_KAFKA_CA", "/a"}, {"LOV_KAFKA_SSL_CA_LOCATION", "/b"}});
  ReadCommonSettings(config, "visits", 1, 2);
  const std::string msg(config.Validate().message());
  EXPECT_TRUE(absl::StrContains(
      msg,
      "--redis-password-file (LOV_REDIS_PASSWORD_FILE): cannot read "
      "/nonexistent/redis.password"))
      << msg;
  EXPECT_TRUE(absl::StrContains(
      msg,
      "--kafka-sasl-password-file (LOV_KAFKA_SASL_PASSWORD_FILE) and "
      "--kafka-sasl-password (LOV_KAFKA_SASL_PASSWORD) are both set"))
      << msg;
  EXPECT_TRUE(absl::StrContains(msg,
                                "--kafka-ca (LOV_KAFKA_CA) and "
                                "--kafka-ssl-ca-location"))
      << msg;
  EXPECT_FALSE(absl::StrContains(msg, "inline")) << msg;
}

TEST(CredentialSettingsTest, MetricsTlsNeedsTheServicesCertificate) {
  Config plaintext({{"metrics-tls", "true"}},
                   {{"LOV_INSECURE_PLAINTEXT", "true"}});
  CommonSettings off = ReadCommonSettings(plaintext, "visits", 1, 2);
  EXPECT_TRUE(off.metrics_tls);
  EXPECT_TRUE(absl::StrContains(plaintext.Validate().message(),
                                "--metrics-tls (LOV_METRICS_TLS): needs the "
                                "service's certificate"))
      << plaintext.Validate();
  Config with_cert({{"metrics-tls", "true"},
                    {"tls-cert", SecretFile("cert")},
                    {"tls-key", SecretFile("key")}},
                   {});
  ReadCommonSettings(with_cert, "visits", 1, 2);
  EXPECT_FALSE(
      absl::StrContains(with_cert.Validate().message(), "--metrics-tls"))
      << with_cert.Validate();
}

TEST(CredentialSettingsTest, AnEmptyPasswordFileIsNamed) {
  const std::string empty = SecretFile("\n");
  Config config({{"redis-password-file", empty}}, {});
  ReadCommonSettings(config, "visits", 1, 2);
  EXPECT_TRUE(absl::StrContains(
      config.Validate().message(),
      "--redis-password-file (LOV_REDIS_PASSWORD_FILE): " + empty +
          " is empty"))
      << config.Validate();
}

TEST(CredentialSettingsTest, PlaintextKafkaOnlyWhenChosen) {
  Config unset({}, {});
  absl::Status none =
      ReadCommonSettings(unset, "visits", 1, 2).CheckKafkaSecurity();
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(
      none.message(),
      "no Kafka security settings: set --kafka-security-protocol=SASL_SSL"))
      << none;

  Config plain({{"kafka-security-protocol", "PLAINTEXT"}}, {});
  EXPECT_TRUE(
      ReadCommonSettings(plain, "visits", 1, 2).CheckKafkaSecurity().ok());

  Config no_password({{"kafka-security-protocol", "SASL_SSL"},
                      {"kafka-sasl-username", "lov-visits"}},
                     {});
  absl::Status half =
      ReadCommonSettings(no_password, "visits", 1, 2).CheckKafkaSecurity();
  EXPECT_EQ(half.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(
      half.message(),
      "--kafka-security-protocol=SASL_SSL needs --kafka-sasl-username and "
      "--kafka-sasl-password-file"))
      << half;
}

}  // namespace
}  // namespace lov
