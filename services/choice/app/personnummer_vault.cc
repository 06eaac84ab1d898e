#include "lov/choice/app/personnummer_vault.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "lov/platform/secret_key.h"

namespace lov::choice {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherContext =
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewContext() {
  return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
}

unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* Bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(Bytes(out), static_cast<int>(n)) != 1) {
    return absl::InternalError("the random number generator failed");
  }
  return out;
}

// nonce || ciphertext || tag of `plaintext` under the 32-byte `key`,
// authenticating `aad` too.
absl::StatusOr<std::string> SealWith(const std::string& key,
                                     const std::string& plaintext,
                                     const std::string& aad) {
  absl::StatusOr<std::string> nonce = RandomBytes(kNonceBytes);
  if (!nonce.ok()) return nonce.status();
  std::string out = *nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* body = Bytes(out) + kNonceBytes;
  CipherContext ctx = NewContext();
  int n = 0, last = 0;
  const bool ok = ctx != nullptr &&
                  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(key), Bytes(*nonce)) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &n, Bytes(aad),
                                    static_cast<int>(aad.size())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), body, &n, Bytes(plaintext),
                                    static_cast<int>(plaintext.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), body + n, &last) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                                      kTagBytes, body + plaintext.size()) == 1;
  if (!ok) return absl::InternalError("AES-256-GCM encryption failed");
  return out;
}

// The plaintext of SealWith's output; DataLoss (naming `what`) when the key
// or `aad` differ or a byte was altered.
absl::StatusOr<std::string> OpenWith(const std::string& key,
                                     const std::string& sealed,
                                     const std::string& aad,
                                     const std::string& what) {
  const absl::Status broken = absl::DataLossError(absl::StrCat(
      what, " does not decrypt: another key or client, or altered"));
  if (sealed.size() < kNonceBytes + kTagBytes) return broken;
  const size_t length = sealed.size() - kNonceBytes - kTagBytes;
  const unsigned char* nonce = Bytes(sealed);
  const unsigned char* body = nonce + kNonceBytes;
  std::string tag = sealed.substr(kNonceBytes + length);
  std::string out(length, '\0');
  CipherContext ctx = NewContext();
  int n = 0, last = 0;
  const bool ok = ctx != nullptr &&
                  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(key), nonce) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &n, Bytes(aad),
                                    static_cast<int>(aad.size())) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), Bytes(out), &n, body,
                                    static_cast<int>(length)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                                      kTagBytes, Bytes(tag)) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), Bytes(out) + n, &last) == 1;
  if (!ok) return broken;
  return out;
}

absl::Status RequireKey(const std::string& key, const char* what) {
  if (key.size() == PersonnummerVault::kKeyBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      what, " must have ", PersonnummerVault::kKeyBytes, " bytes"));
}

std::string WrapAad(const std::string& client_id, const std::string& kek_id) {
  return absl::StrCat(client_id, "|", kek_id);
}

}  // namespace

absl::StatusOr<PersonnummerVault> PersonnummerVault::Create(std::string kek) {
  if (absl::Status s = RequireKey(kek, "the key-encryption key"); !s.ok()) {
    return s;
  }
  // A keyed hash of a fixed text: names the KEK without revealing it.
  std::string id = HmacSha256Hex(kek, "lov choice key-encryption key id");
  id.resize(16);
  return PersonnummerVault(std::move(kek), std::move(id));
}

absl::StatusOr<PersonnummerVault::DataKey> PersonnummerVault::IssueDataKey(
    const std::string& client_id) const {
  absl::StatusOr<std::string> key = RandomBytes(kKeyBytes);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> wrapped =
      SealWith(kek_, *key, WrapAad(client_id, kek_id_));
  if (!wrapped.ok()) return wrapped.status();
  DataKey out{*std::move(key), {}};
  out.issued.set_client_id(client_id);
  out.issued.set_kek_id(kek_id_);
  out.issued.set_wrapped_key(*std::move(wrapped));
  return out;
}

absl::StatusOr<std::string> PersonnummerVault::UnwrapDataKey(
    const v1::ClientDataKeyIssued& issued) const {
  if (issued.kek_id() != kek_id_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the data key of client ", issued.client_id(),
                     " is wrapped with key-encryption key ", issued.kek_id(),
                     "; --pnr-encryption-key-file holds key ", kek_id_));
  }
  return OpenWith(kek_, issued.wrapped_key(),
                  WrapAad(issued.client_id(), issued.kek_id()),
                  absl::StrCat("the data key of client ", issued.client_id()));
}

absl::StatusOr<std::string> PersonnummerVault::Seal(
    const std::string& data_key, const std::string& client_id,
    const std::string& personnummer) {
  if (absl::Status s = RequireKey(data_key, "a data key"); !s.ok()) return s;
  return SealWith(data_key, personnummer, client_id);
}

absl::StatusOr<std::string> PersonnummerVault::Open(
    const std::string& data_key, const std::string& client_id,
    const std::string& sealed) {
  if (absl::Status s = RequireKey(data_key, "a data key"); !s.ok()) return s;
  return OpenWith(data_key, sealed, client_id,
                  absl::StrCat("the personnummer of client ", client_id));
}

absl::StatusOr<std::string> PersonnummerVault::Reveal(
    const v1::ClientDataKeyIssued& issued, const std::string& sealed) const {
  absl::StatusOr<std::string> key = UnwrapDataKey(issued);
  if (!key.ok()) return key.status();
  return Open(*key, issued.client_id(), sealed);
}

}  // namespace lov::choice
