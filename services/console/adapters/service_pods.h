#ifndef LOV_CONSOLE_ADAPTERS_SERVICE_PODS_H_
#define LOV_CONSOLE_ADAPTERS_SERVICE_PODS_H_

#include <string>

#include "lov/console/ports.h"

namespace lov::console {

// One watched service, pod by pod: `watched` is its metrics host:port, or a
// comma-separated list of them; each host is resolved afresh (`resolver`:
// in Kubernetes the headless Service <name>-pods names every pod) and every
// address is scraped (`scraper`). The service's row is up when some pod
// answers, serving when at least one pod serves, and degraded when it
// serves and some other pod does not; its groups' consumed and dead-letter
// counts are summed over the pods.
ServiceHealth CheckServicePods(const std::string& name,
                               const std::string& watched,
                               AddressResolver& resolver,
                               MetricsScraper& scraper);

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_SERVICE_PODS_H_
