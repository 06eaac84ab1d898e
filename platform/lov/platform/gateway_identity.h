#ifndef LOV_PLATFORM_GATEWAY_IDENTITY_H_
#define LOV_PLATFORM_GATEWAY_IDENTITY_H_

// How the HTTP/JSON listener (http_gateway.h) passes on the client
// certificate its TLS handshake verified to the call guard: as metadata of
// its call through the server's in-process channel, together with a secret
// drawn at random when the process starts, which never leaves it. A caller
// over the network cannot know the secret (nor does its call come from
// in-process), so the identity key in its request is ignored; and the
// gateway copies no HTTP header into these keys.

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

namespace lov {

inline constexpr char kGatewayCertificateKey[] =
    "lov-gateway-verified-client-certificate";
inline constexpr char kGatewaySecretKey[] = "lov-gateway-secret";

// Adds the verified certificate's common name `name` to an in-process call.
void AddGatewayIdentity(grpc::ClientContext* context, const std::string& name);

// The common name the gateway verified, when the call carries it with this
// process's secret and does not come over a socket; nullopt otherwise.
std::optional<std::string> GatewayCertificateName(
    const grpc::ServerContextBase& context);

}  // namespace lov

#endif  // LOV_PLATFORM_GATEWAY_IDENTITY_H_
