#ifndef LOV_PLATFORM_HTTP_SERVER_H_
#define LOV_PLATFORM_HTTP_SERVER_H_

// HTTP for metrics, health probes and the console's dashboard, over
// cpp-httplib (Debian's libcpp-httplib): a bounded pool of worker threads,
// read and write timeouts and a request size limit, so that a slow or
// hostile connection holds one worker for a few seconds at most and cannot
// block the others.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lov::http {

struct Request {
  std::string method;  // "GET", "HEAD", "POST" (others: any_method)
  std::string path;    // "/api/dashboard", without the query
  std::string query;   // after '?', may be empty
  // Header names lower-cased; a repeated header keeps its first value.
  std::map<std::string, std::string> headers;
  // The fields of an application/x-www-form-urlencoded POST body (never
  // the query string), decoded.
  std::map<std::string, std::string> form;
  std::string remote_addr;
  bool tls = false;  // arrived over HTTPS
  std::string body;  // as sent (a POST's), at most max_body_bytes
  // The common name of the client certificate the TLS handshake verified
  // against ServerOptions::tls_client_ca_file; "" when none was presented.
  std::string client_certificate_name;

  // The header's value, or "" ("cookie", "origin", ...; any case).
  std::string Header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers, e.g. {"Set-Cookie", ...}, {"Location", "/"}.
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  // The interface to listen on ("127.0.0.1", "0.0.0.0", "::"); port 0
  // picks a free port.
  std::string listen_address = "0.0.0.0";
  int port = 0;
  // The settings behind address and port, named in errors (e.g.
  // "--metrics-port (LOV_METRICS_PORT) and --metrics-listen-address
  // (LOV_METRICS_LISTEN_ADDRESS)").
  std::string settings = "the HTTP port";
  // Workers; a connection waits in a queue of at most `max_queued` for a
  // free one, and beyond that is left in the kernel's backlog.
  int threads = 4;
  int max_queued = 64;
  absl::Duration read_timeout = absl::Seconds(5);
  absl::Duration write_timeout = absl::Seconds(5);
  // An idle keep-alive connection holds a worker: closed after this.
  absl::Duration keep_alive_timeout = absl::Seconds(2);
  size_t max_body_bytes = 16 * 1024;  // larger bodies: 413
  bool accept_post = false;           // else only GET and HEAD
  // PUT, PATCH, DELETE and OPTIONS reach the handler too (which answers
  // them, e.g. 405 with Allow); else cpp-httplib answers them 404.
  bool any_method = false;
  // Both set: HTTPS with this PEM certificate chain and its key, read
  // again on the first handshake after `tls_refresh` when either file
  // changed (a renewed certificate is served without a restart).
  std::string tls_cert_file;
  std::string tls_key_file;
  absl::Duration tls_refresh = absl::Minutes(5);
  // With HTTPS: a PEM CA bundle. A client certificate is asked for, not
  // required; one that is presented must chain to it (else no handshake).
  std::string tls_client_ca_file;
};

// One listening socket answered by `handler` on a pool of workers.
class Server {
 public:
  explicit Server(Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving; a busy port, an address that is not ours or
  // an unusable certificate is a clear error naming options.settings.
  absl::Status Start(const ServerOptions& options);
  void Stop();
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  struct Impl;
  Handler handler_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  bool tls_ = false;
};

// A client for probes and tests.
struct ClientRequest {
  std::string host_port;  // "127.0.0.1:8080"
  // "GET", "POST" (a form when `form` is set), or any other method, sent
  // with `body` (of `content_type`) if there is one.
  std::string method = "GET";
  std::string path = "/";
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> form;
  std::string body;
  std::string content_type;
  int timeout_ms = 3000;
  // Set: HTTPS, the server's certificate verified against this PEM CA.
  std::string ca_file;
  // With `ca_file`: the name the server's certificate must carry (and the
  // TLS server name sent), when host_port is an address it does not name,
  // e.g. a pod's IP and its Service's name. Empty: host_port's host.
  std::string tls_server_name;
};
struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};
// Unavailable if there is no answer at all; any status is an answer.
absl::StatusOr<ClientResponse> Fetch(const ClientRequest& request);

// GET http://host:port/path with a timeout; the body of a 200 answer.
absl::StatusOr<std::string> Get(const std::string& host_port,
                                const std::string& path, int timeout_ms);

}  // namespace lov::http

#endif  // LOV_PLATFORM_HTTP_SERVER_H_
