#include "lov/platform/peer_identity.h"

#include <grpc/grpc_security_constants.h>

namespace lov {
namespace {

std::vector<std::string> Values(const grpc::AuthContext& auth,
                                const char* property) {
  std::vector<std::string> out;
  for (const grpc::string_ref& v : auth.FindPropertyValues(property)) {
    out.emplace_back(v.data(), v.size());
  }
  return out;
}

}  // namespace

std::string PeerIdentity::name() const {
  const std::string prefix = kIdentityUriPrefix;
  for (const std::string& uri : uris) {
    if (uri.size() > prefix.size() &&
        uri.compare(0, prefix.size(), prefix) == 0) {
      return uri.substr(prefix.size());
    }
  }
  return common_name;
}

std::optional<PeerIdentity> PeerCertificateIdentity(
    const grpc::AuthContext& auth) {
  // Only the TLS handshake sets the peer's certificate; a token processor
  // may make a peer "authenticated" without one.
  if (!auth.IsPeerAuthenticated() ||
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME).empty()) {
    return std::nullopt;
  }
  PeerIdentity identity;
  std::vector<std::string> cn = Values(auth, GRPC_X509_CN_PROPERTY_NAME);
  if (!cn.empty()) identity.common_name = cn.front();
  identity.uris = Values(auth, GRPC_PEER_URI_PROPERTY_NAME);
  identity.dns_names = Values(auth, GRPC_PEER_DNS_PROPERTY_NAME);
  return identity;
}

std::optional<PeerIdentity> PeerCertificateIdentity(
    const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (!auth) return std::nullopt;
  return PeerCertificateIdentity(*auth);
}

}  // namespace lov
