#ifndef LOV_CONSOLE_ADAPTERS_DNS_ADDRESS_RESOLVER_H_
#define LOV_CONSOLE_ADAPTERS_DNS_ADDRESS_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/console/ports.h"

namespace lov::console {

// "host:port" ("[v6]:port" too) -> host and port; INVALID_ARGUMENT if it is
// not that.
absl::Status SplitHostPort(const std::string& host_port, std::string* host,
                           std::string* port);

// AddressResolver over the system resolver (getaddrinfo): every A and AAAA
// record of the host, asked anew on each call, so pods that come and go are
// seen on the next round.
class DnsAddressResolver : public AddressResolver {
 public:
  absl::StatusOr<std::vector<std::string>> Resolve(
      const std::string& host_port) override;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_DNS_ADDRESS_RESOLVER_H_
