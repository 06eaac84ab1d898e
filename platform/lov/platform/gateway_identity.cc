#include "lov/platform/gateway_identity.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace lov {
namespace {

const std::string& ProcessSecret() {
  static const std::string* secret = [] {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
    return new std::string(absl::BytesToHexString(
        std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  }();
  return *secret;
}

std::string Value(const grpc::ServerContextBase& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

void AddGatewayIdentity(grpc::ClientContext* context, const std::string& name) {
  context->AddMetadata(kGatewayCertificateKey, name);
  context->AddMetadata(kGatewaySecretKey, ProcessSecret());
}

std::optional<std::string> GatewayCertificateName(
    const grpc::ServerContextBase& context) {
  // A socket's peer is "ipv4:...", "ipv6:..." or "unix:...".
  const std::string peer = context.peer();
  if (absl::StartsWith(peer, "ipv4:") || absl::StartsWith(peer, "ipv6:") ||
      absl::StartsWith(peer, "unix:")) {
    return std::nullopt;
  }
  const std::string name = Value(context, kGatewayCertificateKey);
  const std::string secret = Value(context, kGatewaySecretKey);
  const std::string& expected = ProcessSecret();
  if (name.empty() || secret.size() != expected.size() ||
      CRYPTO_memcmp(secret.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  return name;
}

}  // namespace lov
