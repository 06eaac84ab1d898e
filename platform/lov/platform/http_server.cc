#include "lov/platform/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace lov::http {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

void SetTimeouts(int fd, int timeout_ms) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n =
        ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

Request ParseRequestLine(const std::string& raw) {
  Request r;
  size_t line_end = raw.find("\r\n");
  std::string line = raw.substr(0, line_end);
  size_t sp1 = line.find(' ');
  if (sp1 == std::string::npos) return r;
  size_t sp2 = line.find(' ', sp1 + 1);
  r.method = line.substr(0, sp1);
  std::string target = line.substr(
      sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  return r;
}

}  // namespace

absl::StatusOr<int> Listen(int port, const std::string& what, int* bound_port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 16) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("port ", port, ": ", err, " (check ", what, ")"));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (bound_port != nullptr) *bound_port = ntohs(addr.sin_port);
  return fd;
}

void ServeOne(int listen_fd, int wait_ms, const Handler& handler) {
  pollfd pfd{listen_fd, POLLIN, 0};
  if (::poll(&pfd, 1, wait_ms) <= 0) return;
  int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  SetTimeouts(fd, 2000);
  std::string request;
  char buf[2048];
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.size() < 16384) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    request.append(buf, static_cast<size_t>(n));
  }
  Request parsed = ParseRequestLine(request);
  Response response;
  if (parsed.method.empty()) {
    response = {400, "text/plain; charset=utf-8", "bad request\n"};
  } else if (parsed.method != "GET" && parsed.method != "HEAD") {
    response = {405, "text/plain; charset=utf-8", "only GET\n"};
  } else {
    response = handler(parsed);
  }
  std::string head =
      absl::StrCat("HTTP/1.1 ", response.status, " ", Reason(response.status),
                   "\r\nContent-Type: ", response.content_type,
                   "\r\nContent-Length: ", response.body.size(),
                   "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
  if (SendAll(fd, head) && parsed.method != "HEAD") SendAll(fd, response.body);
  ::close(fd);
}

Server::~Server() { Stop(); }

absl::Status Server::Start(int port, const std::string& what) {
  absl::StatusOr<int> fd = Listen(port, what, &port_);
  if (!fd.ok()) return fd.status();
  listen_fd_ = *fd;
  thread_ = std::thread([this] {
    while (!stop_.load()) ServeOne(listen_fd_, 200, handler_);
  });
  return absl::OkStatus();
}

void Server::Stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

absl::StatusOr<std::string> Get(const std::string& host_port,
                                const std::string& path, int timeout_ms) {
  size_t colon = host_port.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not host:port: ", host_port));
  }
  std::string host = host_port.substr(0, colon);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), host_port.substr(colon + 1).c_str(), &hints,
                    &res) != 0 ||
      res == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host));
  }
  int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(res);
    return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  }
  SetTimeouts(fd, timeout_ms);
  int rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return absl::UnavailableError(absl::StrCat(host_port, ": ", err));
  }
  std::string out;
  if (SendAll(fd, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", host_port,
                               "\r\nConnection: close\r\n\r\n"))) {
    char buf[8192];
    while (true) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  size_t body = out.find("\r\n\r\n");
  if (out.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos) {
    return absl::UnavailableError(
        absl::StrCat(host_port, path, ": no 200 answer"));
  }
  return out.substr(body + 4);
}

}  // namespace lov::http
