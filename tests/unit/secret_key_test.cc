#include "lov/platform/secret_key.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace lov {
namespace {

constexpr char kDevKey[] = "the-development-key-of-this-test-0123";
constexpr char kGoodKey[] = "0123456789abcdef0123456789abcdef";  // 32.

struct Read {
  std::string key;
  absl::Status validated;
};

Read ReadWith(std::map<std::string, std::string> flags,
              std::map<std::string, std::string> env) {
  Config config(std::move(flags), std::move(env));
  Read r;
  r.key = ReadSecretKey(config, "pnr-hmac-key", kDevKey);
  r.validated = config.Validate();
  return r;
}

TEST(HmacSha256HexTest, IsRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ReadSecretKeyTest, TakesTheKeyFromTheEnvironmentOrTheFlag) {
  Read from_env = ReadWith({}, {{"LOV_PNR_HMAC_KEY", kGoodKey}});
  EXPECT_TRUE(from_env.validated.ok()) << from_env.validated;
  EXPECT_EQ(from_env.key, kGoodKey);
  Read from_flag = ReadWith({{"pnr-hmac-key", kGoodKey}}, {});
  EXPECT_TRUE(from_flag.validated.ok()) << from_flag.validated;
  EXPECT_EQ(from_flag.key, kGoodKey);
}

TEST(ReadSecretKeyTest, RefusesToRunWithoutAKey) {
  Read r = ReadWith({}, {});
  ASSERT_EQ(r.validated.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(r.validated.message());
  EXPECT_NE(message.find("--pnr-hmac-key / LOV_PNR_HMAC_KEY: a secret key is "
                         "required (e.g. `openssl rand -hex 32`"),
            std::string::npos)
      << message;
}

// There is no development setting that runs on a built-in key any more:
// the old LOV_INSECURE_NO_AUTH=true gets no key either.
TEST(ReadSecretKeyTest, TheOldDevelopmentSettingGetsNoBuiltInKey) {
  Read r = ReadWith({}, {{"LOV_INSECURE_NO_AUTH", "true"}});
  ASSERT_EQ(r.validated.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.validated.message().find("a secret key is required"),
            std::string::npos)
      << r.validated;
  EXPECT_NE(r.key, kDevKey);
  EXPECT_TRUE(r.key.empty());
}

TEST(ReadSecretKeyTest, RefusesShortKeysAndTheDevelopmentKey) {
  Read short_key =
      ReadWith({{"pnr-hmac-key", "0123456789abcdef0123456789abcde"}},
               {});  // 31 characters.
  ASSERT_FALSE(short_key.validated.ok());
  EXPECT_NE(short_key.validated.message().find("at least 32 characters"),
            std::string::npos)
      << short_key.validated;
  Read dev_key = ReadWith({}, {{"LOV_PNR_HMAC_KEY", kDevKey}});
  ASSERT_FALSE(dev_key.validated.ok());
  EXPECT_NE(dev_key.validated.message().find("development key"),
            std::string::npos)
      << dev_key.validated;
  // The key itself never appears in the message.
  EXPECT_EQ(dev_key.validated.message().find(kDevKey), std::string::npos);
}

}  // namespace
}  // namespace lov
