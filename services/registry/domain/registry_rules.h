#ifndef LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_H_

// The registry's rules, as pure functions over the proto records: each
// command takes the current state and returns the new state or the rule it
// breaks. No I/O; the application layer stores and publishes.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/registry/contract/provider_record.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

namespace v1 = ::lov::registry::v1;

// A keyed pseudonym (the registry's secret key) of a normalized
// organisation number, as hex.
using OrgNumberPseudonym = std::function<std::string(const std::string&)>;

// Provider ids are derived from the organisation number, so a provider can
// never be registered twice under two ids: a legal person's is "prv-" and
// its ten digits; a sole trader's (whose number is the owner's
// personnummer) is "prv-" and 20 hex digits of its keyed pseudonym, which
// cannot be turned back into the number without the key.
std::string ProviderIdFor(const std::string& normalized_org_number,
                          const OrgNumberPseudonym& pseudonym);

absl::Status ValidateMunicipality(const v1::Municipality& municipality);
// Checks the in-house provider named by the setup, once it is registered.
absl::Status CheckInHouseProvider(const v1::Municipality& municipality,
                                  const v1::Provider* in_house);

// A sole trader's provider record keeps no organisation number: it would
// travel in every event of the provider (docs/security.md).
absl::StatusOr<v1::Provider> RegisterProvider(
    const v1::RegisterProviderRequest& request,
    const OrgNumberPseudonym& pseudonym, absl::Time now);

absl::StatusOr<v1::Provider> UpdateProvider(
    v1::Provider provider, const v1::UpdateProviderRequest& request);

absl::StatusOr<v1::Provider> SubmitApplication(
    const v1::Municipality& municipality, v1::Provider provider,
    const v1::SubmitApplicationRequest& request, absl::Time now);

absl::StatusOr<v1::Provider> DecideApplication(
    const v1::Municipality& municipality, v1::Provider provider,
    const v1::DecideApplicationRequest& request, absl::CivilDay today,
    absl::Time now);

absl::StatusOr<v1::Provider> SetCapacity(const v1::Municipality& municipality,
                                         v1::Provider provider,
                                         const v1::SetCapacityRequest& request,
                                         absl::CivilDay today);

absl::StatusOr<v1::Provider> GiveNotice(const v1::Municipality& municipality,
                                        v1::Provider provider,
                                        const v1::GiveNoticeRequest& request,
                                        absl::CivilDay today);
// Takes back a notice that has not taken effect (FAILED_PRECONDITION if
// there is none, or it has); the approvals it cut run as before.
absl::StatusOr<v1::Provider> WithdrawNotice(
    const v1::Municipality& municipality, v1::Provider provider,
    const v1::WithdrawNoticeRequest& request, absl::CivilDay today);

absl::StatusOr<v1::Provider> SetIntakePaused(
    const v1::Municipality& municipality, v1::Provider provider,
    const v1::SetIntakePausedRequest& request);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_H_
