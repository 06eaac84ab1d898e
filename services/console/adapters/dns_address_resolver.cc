#include "lov/console/adapters/dns_address_resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace lov::console {

absl::Status SplitHostPort(const std::string& host_port, std::string* host,
                           std::string* port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      colon + 1 == host_port.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", host_port, "' is not host:port"));
  }
  *host = host_port.substr(0, colon);
  *port = host_port.substr(colon + 1);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> DnsAddressResolver::Resolve(
    const std::string& host_port) {
  std::string host, port;
  if (absl::Status s = SplitHostPort(host_port, &host, &port); !s.ok()) {
    return s;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int e = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); e != 0) {
    return absl::UnavailableError(
        absl::StrCat("resolving ", host, ": ", gai_strerror(e)));
  }
  std::vector<std::string> out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char ip[INET6_ADDRSTRLEN] = {};
    const bool v6 = a->ai_family == AF_INET6;
    const void* raw =
        v6 ? static_cast<const void*>(
                 &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr)
           : static_cast<const void*>(
                 &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr);
    if (inet_ntop(a->ai_family, raw, ip, sizeof(ip)) == nullptr) continue;
    std::string address =
        v6 ? absl::StrCat("[", ip, "]:", port) : absl::StrCat(ip, ":", port);
    if (std::find(out.begin(), out.end(), address) == out.end()) {
      out.push_back(std::move(address));
    }
  }
  freeaddrinfo(found);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lov::console
