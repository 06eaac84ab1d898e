// Identifiers for aggregates and events.

#ifndef LOV_PLATFORM_IDS_H_
#define LOV_PLATFORM_IDS_H_

#include <string>

namespace lov {

// A random RFC 4122 version 4 UUID, lowercase hex with dashes:
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" with y one of 8, 9, a, b.
// Thread-safe: each thread has its own generator, seeded from
// std::random_device.
std::string NewUuid();

// The RFC 4122 version 5 (name-based, SHA-1) UUID of `name` in the
// platform's own namespace: the same name always gives the same id. Event
// ids of a command with a request id are made this way, so a retried
// publish of the same change carries the same ce_id.
std::string NameUuid(const std::string& name);

}  // namespace lov

#endif  // LOV_PLATFORM_IDS_H_
