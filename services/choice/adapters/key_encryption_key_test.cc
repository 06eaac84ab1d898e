// --pnr-encryption-key-file: a file of 64 hex digits, always required;
// every error names the flag, the variable and the file,
// never what the file holds.
#include "lov/choice/adapters/key_encryption_key.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/platform/ids.h"

namespace lov::choice {
namespace {

constexpr char kHexKey[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string KeyFile(const std::string& content) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("lov-kek-" + NewUuid().substr(0, 8)))
                               .string();
  std::ofstream(path) << content;
  return path;
}

struct Read {
  std::string key;
  absl::Status validated;
};

Read ReadWith(std::map<std::string, std::string> flags,
              std::map<std::string, std::string> env = {}) {
  Config config(std::move(flags), std::move(env));
  Read r;
  r.key = ReadKeyEncryptionKey(config);
  r.validated = config.Validate();
  return r;
}

TEST(KeyEncryptionKey, IsReadFromTheFileAsHex) {
  const std::string file = KeyFile(std::string(kHexKey) + "\n");
  Read r = ReadWith({{"pnr-encryption-key-file", file}});
  ASSERT_TRUE(r.validated.ok()) << r.validated;
  ASSERT_EQ(r.key.size(), 32u);
  EXPECT_EQ(r.key[0], '\x00');
  EXPECT_EQ(r.key[31], '\x1f');
  std::filesystem::remove(file);
}

TEST(KeyEncryptionKey, IsRequired) {
  Read r = ReadWith({});
  EXPECT_NE(r.validated.message().find("--pnr-encryption-key-file / "
                                       "LOV_PNR_ENCRYPTION_KEY_FILE: a file"),
            std::string::npos)
      << r.validated;
  // The removed development setting no longer runs on a built-in key.
  Read dev = ReadWith({}, {{"LOV_INSECURE_NO_AUTH", "true"}});
  EXPECT_NE(dev.validated.message().find("--pnr-encryption-key-file / "
                                         "LOV_PNR_ENCRYPTION_KEY_FILE: a file"),
            std::string::npos)
      << dev.validated;
  EXPECT_NE(dev.key, PersonnummerVault::kDevelopmentKey);
}

TEST(KeyEncryptionKey, ABadFileIsNamedButNotShown) {
  const std::string secret = std::string(kHexKey).substr(0, 62);
  const std::string file = KeyFile(secret);
  Read r = ReadWith({{"pnr-encryption-key-file", file}});
  EXPECT_NE(r.validated.message().find(file + " must hold exactly 64 hex"),
            std::string::npos)
      << r.validated;
  EXPECT_EQ(r.validated.message().find(secret), std::string::npos);
  std::filesystem::remove(file);

  Read missing = ReadWith({{"pnr-encryption-key-file", file}});
  EXPECT_NE(missing.validated.message().find("cannot read " + file),
            std::string::npos)
      << missing.validated;
}

TEST(KeyEncryptionKey, TheDevelopmentKeyIsRefused) {
  const std::string file =
      KeyFile(absl::BytesToHexString(PersonnummerVault::kDevelopmentKey));
  Read r = ReadWith({{"pnr-encryption-key-file", file}});
  EXPECT_NE(r.validated.message().find("holds the built-in development key"),
            std::string::npos)
      << r.validated;
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace lov::choice
