#ifndef LOV_PLATFORM_HTTP_SERVER_H_
#define LOV_PLATFORM_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lov::http {

struct Request {
  std::string method;  // "GET"
  std::string path;    // "/api/dashboard", without the query
  std::string query;   // after '?', may be empty
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using Handler = std::function<Response(const Request&)>;

// A listening TCP socket on all interfaces; port 0 picks a free port.
// `what` names the setting in the error (e.g. "--metrics-port").
absl::StatusOr<int> Listen(int port, const std::string& what, int* bound_port);

// Waits up to `wait_ms` for one connection on `listen_fd`, reads one request,
// answers it with `handler` and closes the connection (HTTP/1.1,
// Connection: close).
void ServeOne(int listen_fd, int wait_ms, const Handler& handler);

// Minimal HTTP/1.1 server on one thread: small, rare requests (metrics
// scrapes, an operations dashboard polled by a few browsers).
class Server {
 public:
  explicit Server(Handler handler) : handler_(std::move(handler)) {}
  ~Server();
  absl::Status Start(int port, const std::string& what);
  void Stop();
  int port() const { return port_; }

 private:
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// GET http://host:port/path with a timeout; the body of a 200 answer.
absl::StatusOr<std::string> Get(const std::string& host_port,
                                const std::string& path, int timeout_ms);

}  // namespace lov::http

#endif  // LOV_PLATFORM_HTTP_SERVER_H_
