#ifndef LOV_SERVICES_CHOICE_DOMAIN_ALLOCATION_H_
#define LOV_SERVICES_CHOICE_DOMAIN_ALLOCATION_H_

// Non-choice allocation (icke-valsalternativ): which provider serves a
// client who does not choose, under the municipality's policy, and why.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/v1/events.pb.h"

namespace lov::choice {

// Where the zone's rotation (turordning) stands: the provider that got the
// last rotation allocation, and its sequence number.
struct RotationPointer {
  int64_t sequence = 0;
  std::string provider_id;
};

struct AllocationRequest {
  v1::ChoicePolicy policy;
  std::string zone_id;
  // Resolved in-house provider (the policy's, else the registry's).
  std::string in_house_provider_id;
  // Every provider the choice service knows, standing for the zone and the
  // client's categories on `day` (unapproved ones are ignored).
  std::vector<Standing> standings;
  // The provider being left (leaving, sanctioned): never allocated.
  std::string excluded_provider_id;
  RotationPointer rotation;
  absl::CivilDay day;  // the first day of the allocation
};

// The first day a newly approved provider takes part in the rotation: the
// 1st of the month after its approval (Kristianstad).
absl::CivilDay RotationJoinDate(absl::CivilDay approved_from);

// The rotation order of a zone on `day`, starting after the provider that
// got the last allocation: approved providers that have joined, sorted by
// name (then id), cyclically. Providers approved but not yet joined are
// returned in `not_joined` with the reason.
std::vector<const Standing*> RotationOrder(
    const std::vector<Standing>& standings, const RotationPointer& rotation,
    absl::CivilDay day,
    std::vector<v1::AllocationExplanation::Skipped>* not_joined = nullptr);

// Decides the provider. The candidates are tried in order and the first
// selectable one wins; every one passed over is in `skipped` with why:
//  IN_HOUSE   the in-house provider;
//  PROXIMITY  the zone's designated provider;
//  ROTATION   the rotation order (rotation_sequence is then the next one).
// If the policy's own candidate cannot take the client (at its cap,
// paused, leaving), the rotation order of the other providers follows, so
// that a client is never left without a provider while anyone has room.
// FAILED_PRECONDITION when no provider can take the client.
absl::StatusOr<v1::AllocationExplanation> Allocate(
    const AllocationRequest& request);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_ALLOCATION_H_
