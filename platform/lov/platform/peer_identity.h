#ifndef LOV_PLATFORM_PEER_IDENTITY_H_
#define LOV_PLATFORM_PEER_IDENTITY_H_

// Who is calling, as its client certificate says: a service, a system
// client such as a provider's time-reporting system, or lovctl. The
// service's gRPC port requests client certificates and verifies every one
// presented against --tls-client-ca, so an identity read here is verified;
// a caller without a certificate (a person with a bearer token) has none.

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

namespace lov {

// The LOV certificates name the identity twice: as the subject's CN
// ("service:registry", "system:simulator", "provider:prv-5565541645") and as
// a URI SAN with the prefix kIdentityUriPrefix ("urn:lov:service:registry").
inline constexpr char kIdentityUriPrefix[] = "urn:lov:";

struct PeerIdentity {
  std::string common_name;
  std::vector<std::string> uris;       // URI SANs
  std::vector<std::string> dns_names;  // DNS SANs

  // The first URI SAN under kIdentityUriPrefix without the prefix, else the
  // CN: "service:registry".
  std::string name() const;
  bool operator==(const PeerIdentity&) const = default;
};

// The verified client certificate's identity, or nullopt when the caller
// presented none (or the call is not over TLS).
std::optional<PeerIdentity> PeerCertificateIdentity(
    const grpc::AuthContext& auth);
std::optional<PeerIdentity> PeerCertificateIdentity(
    const grpc::ServerContextBase& context);

}  // namespace lov

#endif  // LOV_PLATFORM_PEER_IDENTITY_H_
