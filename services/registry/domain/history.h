#ifndef LOV_SERVICES_REGISTRY_DOMAIN_HISTORY_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_HISTORY_H_

#include "lov/registry/contract/provider_record.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

// A provider's history line for an event, in words a case officer reads.
v1::HistoryEntry DescribeEvent(const v1::RegistryEvent& event);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_HISTORY_H_
