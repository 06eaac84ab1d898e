#include "lov/platform/grpc_channel.h"

#include <cstdlib>

#include "absl/status/statusor.h"
#include "lov/platform/tls_files.h"

namespace lov {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The client's PEM texts: empty roots mean the system's.
absl::StatusOr<grpc::SslCredentialsOptions> ReadPem(const ClientTls& tls) {
  const TlsFile ca{tls.ca_file, "LOV_TLS_CA (lovctl --ca)"};
  const TlsFile cert{tls.cert_file, "LOV_TLS_CLIENT_CERT (lovctl --cert)"};
  const TlsFile key{tls.key_file, "LOV_TLS_CLIENT_KEY (lovctl --key)"};
  if (tls.plaintext) {
    if (!tls.ca_file.empty() || !tls.cert_file.empty()) {
      return absl::InvalidArgumentError(
          "LOV_INSECURE_PLAINTEXT is set together with a CA or client "
          "certificate: choose TLS or plaintext");
    }
    return grpc::SslCredentialsOptions();
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs its key: set both LOV_TLS_CLIENT_CERT "
        "and LOV_TLS_CLIENT_KEY (lovctl --cert and --key), or neither");
  }
  grpc::SslCredentialsOptions pem;
  if (!tls.ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadCertificates(ca);
    if (!roots.ok()) return roots.status();
    pem.pem_root_certs = *roots;
  }
  if (!tls.cert_file.empty()) {
    absl::StatusOr<std::string> chain = ReadCertificates(cert);
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::string> private_key =
        ReadPrivateKeyOf(key, cert, *chain);
    if (!private_key.ok()) return private_key.status();
    pem.pem_cert_chain = *chain;
    pem.pem_private_key = *private_key;
  }
  return pem;
}

}  // namespace

ClientTls ClientTls::FromEnv() {
  ClientTls tls;
  tls.ca_file = Env("LOV_TLS_CA");
  tls.cert_file = Env("LOV_TLS_CLIENT_CERT");
  tls.key_file = Env("LOV_TLS_CLIENT_KEY");
  tls.server_name = Env("LOV_TLS_SERVER_NAME");
  const std::string plaintext = Env("LOV_INSECURE_PLAINTEXT");
  tls.plaintext = plaintext == "true" || plaintext == "1" || plaintext == "yes";
  return tls;
}

absl::Status ClientTls::Validate() const { return ReadPem(*this).status(); }

std::shared_ptr<grpc::Channel> OpenChannel(
    const std::string& target, const ClientTls& tls,
    std::shared_ptr<grpc::CallCredentials> call_credentials,
    grpc::ChannelArguments args) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (tls.plaintext) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    absl::StatusOr<grpc::SslCredentialsOptions> pem = ReadPem(tls);
    if (!pem.ok()) {
      // Fail closed: roots that hold no certificate trust no server, so the
      // calls fail instead of going out without the configured identity.
      pem = grpc::SslCredentialsOptions();
      pem->pem_root_certs = "unreadable";
    }
    credentials = grpc::SslCredentials(*pem);
    if (!tls.server_name.empty()) {
      args.SetSslTargetNameOverride(tls.server_name);
    }
  }
  if (call_credentials) {
    credentials =
        grpc::CompositeChannelCredentials(credentials, call_credentials);
  }
  return grpc::CreateCustomChannel(target, credentials, args);
}

}  // namespace lov
