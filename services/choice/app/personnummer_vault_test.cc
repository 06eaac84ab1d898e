// PersonnummerVault: AES-256-GCM round trips, and every wrong key, other
// client or altered byte is an error (never garbage). The known answer was
// made with an independent AES-GCM (Python's `cryptography`), so the layout
// nonce || ciphertext || tag is the standard one.
#include "lov/choice/app/personnummer_vault.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lov/platform/identity_numbers.h"

namespace lov::choice {
namespace {

constexpr char kKek[] = "lov-choice-unit-test-kek-32bytes";
constexpr char kOtherKek[] = "another-kek-of-thirty-two-bytes!";
constexpr char kPnr[] = "191212121212";

PersonnummerVault Vault(const std::string& kek = kKek) {
  absl::StatusOr<PersonnummerVault> v = PersonnummerVault::Create(kek);
  EXPECT_TRUE(v.ok()) << v.status();
  return *std::move(v);
}

// A decryption that must fail: DataLoss, naming neither key nor number.
void ExpectBroken(const absl::StatusOr<std::string>& opened) {
  ASSERT_FALSE(opened.ok()) << "decrypted to something";
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
      << opened.status();
  EXPECT_NE(opened.status().message().find("does not decrypt"),
            std::string::npos);
  EXPECT_FALSE(ContainsPersonnummer(std::string(opened.status().message())));
  EXPECT_EQ(opened.status().message().find(kKek), std::string::npos);
}

TEST(PersonnummerVault, OpensTheStandardAesGcmLayout) {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i));
  const std::string sealed = absl::HexStringToBytes(
      "000102030405060708090a0b"            // nonce
      "763be729f4d7f329bc73a6b9"            // ciphertext
      "2f07c34db71425625ac85e9eb482b090");  // tag
  absl::StatusOr<std::string> opened =
      PersonnummerVault::Open(key, "cli-1", sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, kPnr);
}

TEST(PersonnummerVault, RoundTripsThroughAWrappedDataKey) {
  const PersonnummerVault vault = Vault();
  absl::StatusOr<PersonnummerVault::DataKey> key = vault.IssueDataKey("cli-1");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key.size(), 32u);
  EXPECT_EQ(key->issued.client_id(), "cli-1");
  EXPECT_EQ(key->issued.kek_id(), vault.kek_id());
  // 12-byte nonce, 32-byte key, 16-byte tag.
  EXPECT_EQ(key->issued.wrapped_key().size(), 60u);
  EXPECT_EQ(key->issued.wrapped_key().find(key->key), std::string::npos);
  absl::StatusOr<std::string> unwrapped = vault.UnwrapDataKey(key->issued);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status();
  EXPECT_EQ(*unwrapped, key->key);

  absl::StatusOr<std::string> sealed =
      PersonnummerVault::Seal(key->key, "cli-1", kPnr);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->size(), 12u + 12u + 16u);
  EXPECT_TRUE(FindPersonnummer(*sealed).empty());
  absl::StatusOr<std::string> revealed = vault.Reveal(key->issued, *sealed);
  ASSERT_TRUE(revealed.ok()) << revealed.status();
  EXPECT_EQ(*revealed, kPnr);
  // A fresh nonce each time: the same number never looks the same.
  EXPECT_NE(*PersonnummerVault::Seal(key->key, "cli-1", kPnr), *sealed);
  EXPECT_NE(vault.IssueDataKey("cli-1")->key, key->key);
}

TEST(PersonnummerVault, NamesItsKekByAKeyedHash) {
  // HMAC-SHA256(kKek, "lov choice key-encryption key id"), first 16 digits,
  // worked out with Python's hmac module.
  EXPECT_EQ(Vault().kek_id(), "5aee9628777d797c");
  EXPECT_NE(Vault(kOtherKek).kek_id(), Vault().kek_id());
}

TEST(PersonnummerVault, AnotherKekIsAnError) {
  absl::StatusOr<PersonnummerVault::DataKey> key =
      Vault().IssueDataKey("cli-1");
  ASSERT_TRUE(key.ok());
  const PersonnummerVault other = Vault(kOtherKek);
  absl::StatusOr<std::string> unwrapped = other.UnwrapDataKey(key->issued);
  EXPECT_EQ(unwrapped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(unwrapped.status().message().find("--pnr-encryption-key-file"),
            std::string::npos)
      << unwrapped.status();
  // Claiming the other KEK's id does not help: the tag does not match.
  v1::ClientDataKeyIssued claimed = key->issued;
  claimed.set_kek_id(other.kek_id());
  ExpectBroken(other.UnwrapDataKey(claimed));
}

TEST(PersonnummerVault, AnotherClientIdIsAnError) {
  const PersonnummerVault vault = Vault();
  absl::StatusOr<PersonnummerVault::DataKey> key = vault.IssueDataKey("cli-1");
  ASSERT_TRUE(key.ok());
  v1::ClientDataKeyIssued moved = key->issued;
  moved.set_client_id("cli-2");
  ExpectBroken(vault.UnwrapDataKey(moved));
  absl::StatusOr<std::string> sealed =
      PersonnummerVault::Seal(key->key, "cli-1", kPnr);
  ASSERT_TRUE(sealed.ok());
  ExpectBroken(PersonnummerVault::Open(key->key, "cli-2", *sealed));
}

TEST(PersonnummerVault, AnyAlteredOrMissingByteIsAnError) {
  const PersonnummerVault vault = Vault();
  absl::StatusOr<PersonnummerVault::DataKey> key = vault.IssueDataKey("cli-1");
  ASSERT_TRUE(key.ok());
  absl::StatusOr<std::string> sealed =
      PersonnummerVault::Seal(key->key, "cli-1", kPnr);
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string altered = *sealed;
    altered[i] ^= 0x01;
    ExpectBroken(PersonnummerVault::Open(key->key, "cli-1", altered));
  }
  ExpectBroken(PersonnummerVault::Open(key->key, "cli-1",
                                       sealed->substr(0, sealed->size() - 1)));
  ExpectBroken(PersonnummerVault::Open(key->key, "cli-1", ""));
  v1::ClientDataKeyIssued altered = key->issued;
  altered.mutable_wrapped_key()->back() ^= 0x01;
  ExpectBroken(vault.UnwrapDataKey(altered));
}

TEST(PersonnummerVault, KeysMustHave32Bytes) {
  EXPECT_EQ(PersonnummerVault::Create("too short").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::string> sealed =
      PersonnummerVault::Seal("too short", "cli-1", kPnr);
  EXPECT_EQ(sealed.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lov::choice
