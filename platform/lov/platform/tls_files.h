#ifndef LOV_PLATFORM_TLS_FILES_H_
#define LOV_PLATFORM_TLS_FILES_H_

// Reads the PEM files of a TLS setting and checks them (OpenSSL), so that a
// missing file, a file that holds no certificate or a key that belongs to
// another certificate is named at start-up, with the setting it came from,
// instead of surfacing as a failed handshake later.

#include <string>

#include "absl/status/statusor.h"

namespace lov {

// A file named by a setting, e.g. {"/etc/lov/tls/tls.crt",
// "--tls-cert (LOV_TLS_CERT)"}.
struct TlsFile {
  std::string path;
  std::string setting;
};

// The file's text if it holds at least one PEM certificate (a chain or a CA
// bundle).
absl::StatusOr<std::string> ReadCertificates(const TlsFile& file);

// The key file's text if it holds a PEM private key that belongs to the
// first certificate of `certificate_pem` (read from `certificate`).
absl::StatusOr<std::string> ReadPrivateKeyOf(
    const TlsFile& key, const TlsFile& certificate,
    const std::string& certificate_pem);

}  // namespace lov

#endif  // LOV_PLATFORM_TLS_FILES_H_
