#ifndef LOV_SERVICES_REGISTRY_CONTRACT_PROVIDER_RECORD_H_
#define LOV_SERVICES_REGISTRY_CONTRACT_PROVIDER_RECORD_H_

// The registry's published contract beyond the protos: how to read the
// Provider record that every registry event carries. Subscribers (choice,
// console, settlement) use these instead of the registry's private rules,
// so every reader agrees with the registry on what a record means.

#include <string>

#include "absl/time/civil_time.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

// The provider snapshot an event carries (nullptr for setup events).
const v1::Provider* ProviderOf(const v1::RegistryEvent& event);

// The contract is terminated (a termination sanction exists); its
// effective date in `date` if given.
bool Terminated(const v1::Provider& provider, std::string* date = nullptr);

// The approval covers `day` ("YYYY-MM-DD").
bool ApprovalCovers(const v1::Approval& approval, const std::string& day);

// What the provider may do in each of the municipality's zones and
// categories on `day`.
v1::ProviderStatus StatusAsOf(const v1::Municipality& municipality,
                              const v1::Provider& provider, absl::CivilDay day);

// The most recently decided cap in a zone (it may take effect later), or
// nullptr when that decision removed the cap or there is none. A cap caps
// clients (capped), granted hours (max_hours_per_month > 0), or both.
const v1::CapacityCap* CapFor(const v1::Provider& provider,
                              const std::string& zone_id);
// The cap in force in a zone on `day` ("YYYY-MM-DD"), or nullptr if uncapped.
const v1::CapacityCap* CapAsOf(const v1::Provider& provider,
                               const std::string& zone_id,
                               const std::string& day);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_CONTRACT_PROVIDER_RECORD_H_
