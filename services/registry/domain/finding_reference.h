// A sanction may answer a follow-up finding (issue 19): the municipality's
// follow-up found a fault, the provider's action plan came too late, and
// the registry officer imposes a sanction that names the finding. The
// reference is kept as data: the registry checks its shape, not that the
// finding exists (the follow-up service owns findings; docs/followup.md).
#ifndef LOV_SERVICES_REGISTRY_DOMAIN_FINDING_REFERENCE_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_FINDING_REFERENCE_H_

#include <string>

#include "absl/status/status.h"

namespace lov::registry {

// The most findings one follow-up may have (followup's
// CompleteFollowUpRequest.findings max_count).
inline constexpr int kMaxFindingsPerFollowUp = 50;

// OK when both ids are empty, or `follow_up_id` is followup's id shape
// "fu-<uuid>" (lowercase RFC 4122 UUID) and `finding_id` is one of its
// findings, "<follow_up_id>/f<n>" with n from 1 to 50. InvalidArgument
// names the field and the expected shape.
absl::Status CheckFindingReference(const std::string& follow_up_id,
                                   const std::string& finding_id);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_FINDING_REFERENCE_H_
