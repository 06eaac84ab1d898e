#ifndef LOV_SERVICES_REGISTRY_DOMAIN_SANCTION_RULES_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_SANCTION_RULES_H_

// The municipality's sanctions against a provider (sanktioner): a warning,
// an action plan with a deadline, a suspension of new clients until lifted,
// a termination of the contract (hävning) that ends every approval. Pure
// functions over the provider record, as registry_rules.h.

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

namespace v1 = ::lov::registry::v1;

// The provider with the sanction added (its id "san-<n>", decided today);
// a sanction may reference the follow-up finding it answers
// (finding_reference.h).
absl::StatusOr<v1::Provider> ImposeSanction(
    v1::Provider provider, const v1::ImposeSanctionRequest& request,
    absl::CivilDay today);

// Lifts a suspension today; NOT_FOUND for an unknown sanction id,
// FAILED_PRECONDITION for one that is no suspension or already lifted.
absl::StatusOr<v1::Provider> LiftSuspension(
    v1::Provider provider, const v1::LiftSuspensionRequest& request,
    absl::CivilDay today);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_SANCTION_RULES_H_
