#ifndef LOV_PLATFORM_GRPC_CHANNEL_H_
#define LOV_PLATFORM_GRPC_CHANNEL_H_

// The one way a LOV client (lovctl, the simulator, the tests, a service
// calling another) opens a gRPC channel: TLS with the local or cluster CA,
// and a client certificate for mutual TLS when it has one.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace lov {

struct ClientTls {
  // PEM CA bundle the server's certificate must chain to; empty: the
  // system's roots.
  std::string ca_file;
  // The client's own certificate and key (mutual TLS); both or neither.
  std::string cert_file;
  std::string key_file;
  // The name checked against the server's certificate when it differs from
  // the target's host (e.g. dialling an IP the certificate does not name).
  std::string server_name;
  // No TLS at all: development only, and only against a service started
  // with --insecure-plaintext.
  bool plaintext = false;

  // LOV_TLS_CA, LOV_TLS_CLIENT_CERT, LOV_TLS_CLIENT_KEY, LOV_TLS_SERVER_NAME,
  // LOV_INSECURE_PLAINTEXT (true/1/yes).
  static ClientTls FromEnv();

  // OK, or what is wrong with the files, naming the setting: call it once
  // at start-up for a clear message (OpenChannel cannot report one; with an
  // unreadable file its calls fail at the handshake).
  absl::Status Validate() const;
};

// A channel to `target` ("host:port") with `tls`. `call_credentials` (e.g.
// a bearer token) go with every call; gRPC sends them only over TLS.
std::shared_ptr<grpc::Channel> OpenChannel(
    const std::string& target, const ClientTls& tls,
    std::shared_ptr<grpc::CallCredentials> call_credentials = nullptr,
    grpc::ChannelArguments args = {});

}  // namespace lov

#endif  // LOV_PLATFORM_GRPC_CHANNEL_H_
