#include "lov/platform/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lov {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::StatusOr<std::string> ReadText(const TlsFile& file) {
  if (file.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file.setting, ": not set"));
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.setting, ": cannot read ", file.path, " (",
                     std::strerror(errno), ")"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Certificate FirstCertificate(const std::string& pem) {
  Bio bio = MemoryBio(pem);
  return Certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

absl::StatusOr<std::string> ReadCertificates(const TlsFile& file) {
  absl::StatusOr<std::string> pem = ReadText(file);
  if (!pem.ok()) return pem.status();
  if (!FirstCertificate(*pem)) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        file.setting, ": ", file.path, " holds no PEM certificate"));
  }
  return pem;
}

absl::StatusOr<std::string> ReadPrivateKeyOf(
    const TlsFile& key, const TlsFile& certificate,
    const std::string& certificate_pem) {
  absl::StatusOr<std::string> pem = ReadText(key);
  if (!pem.ok()) return pem.status();
  Bio bio = MemoryBio(*pem);
  Key parsed(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  Certificate cert = FirstCertificate(certificate_pem);
  if (!parsed) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        key.setting, ": ", key.path, " holds no unencrypted PEM private key"));
  }
  if (!cert || X509_check_private_key(cert.get(), parsed.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key.setting, ": the key in ", key.path,
                     " does not belong to the certificate in ",
                     certificate.path, " (", certificate.setting, ")"));
  }
  return pem;
}

}  // namespace lov
