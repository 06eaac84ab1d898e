#include "lov/choice/domain/allocation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

void AddSkipped(v1::AllocationExplanation* e, const std::string& provider_id,
                const std::string& reason) {
  auto* s = e->add_skipped();
  s->set_provider_id(provider_id);
  s->set_reason(reason);
}

const Standing* Find(const std::vector<Standing>& standings,
                     const std::string& provider_id) {
  for (const auto& s : standings) {
    if (s.provider_id == provider_id) return &s;
  }
  return nullptr;
}

}  // namespace

absl::CivilDay RotationJoinDate(absl::CivilDay approved_from) {
  const absl::CivilMonth next = absl::CivilMonth(approved_from) + 1;
  return absl::CivilDay(next.year(), next.month(), 1);
}

std::vector<const Standing*> RotationOrder(
    const std::vector<Standing>& standings, const RotationPointer& rotation,
    absl::CivilDay day,
    std::vector<v1::AllocationExplanation::Skipped>* not_joined) {
  std::vector<const Standing*> members;
  for (const auto& s : standings) {
    if (!s.approved) continue;
    absl::StatusOr<absl::CivilDay> from = ParseDate(s.approved_from);
    if (from.ok() && RotationJoinDate(*from) > day) {
      if (not_joined != nullptr) {
        v1::AllocationExplanation::Skipped skipped;
        skipped.set_provider_id(s.provider_id);
        skipped.set_reason(absl::StrCat("approved ", s.approved_from,
                                        ": joins the rotation ",
                                        FormatDate(RotationJoinDate(*from))));
        not_joined->push_back(std::move(skipped));
      }
      continue;
    }
    members.push_back(&s);
  }
  std::sort(members.begin(), members.end(),
            [](const Standing* a, const Standing* b) {
              return std::tie(a->name, a->provider_id) <
                     std::tie(b->name, b->provider_id);
            });
  auto last =
      std::find_if(members.begin(), members.end(), [&](const Standing* s) {
        return s->provider_id == rotation.provider_id;
      });
  if (last != members.end()) {
    std::rotate(members.begin(), last + 1, members.end());
  }
  return members;
}

absl::StatusOr<v1::AllocationExplanation> Allocate(
    const AllocationRequest& request) {
  v1::AllocationExplanation e;
  e.set_policy(request.policy.allocation_policy());
  std::vector<std::string> order;
  auto add = [&order](const std::string& id) {
    if (!id.empty() &&
        std::find(order.begin(), order.end(), id) == order.end()) {
      order.push_back(id);
    }
  };
  std::vector<v1::AllocationExplanation::Skipped> not_joined;
  std::vector<const Standing*> rotation = RotationOrder(
      request.standings, request.rotation, request.day, &not_joined);
  switch (request.policy.allocation_policy()) {
    case v1::ALLOCATION_POLICY_PROXIMITY:
      for (const auto& d : request.policy.designated_providers()) {
        if (d.zone_id() == request.zone_id) add(d.provider_id());
      }
      if (order.empty()) {
        AddSkipped(
            &e, "",
            absl::StrCat("no designated provider for zone ", request.zone_id));
      }
      break;
    case v1::ALLOCATION_POLICY_ROTATION:
      for (const auto& s : not_joined) *e.add_skipped() = s;
      break;
    case v1::ALLOCATION_POLICY_IN_HOUSE:
    default:
      add(request.in_house_provider_id);
      if (order.empty()) {
        AddSkipped(&e, "", "no in-house provider is configured");
      }
      break;
  }
  for (const Standing* s : rotation) add(s->provider_id);
  for (const auto& id : order) e.add_candidates_in_order(id);

  if (!request.excluded_provider_id.empty()) {
    AddSkipped(&e, request.excluded_provider_id, "the provider being left");
  }
  for (const auto& id : order) {
    const Standing* s = Find(request.standings, id);
    if (id == request.excluded_provider_id) continue;
    if (s == nullptr) {
      AddSkipped(&e, id, "unknown to the registry");
      continue;
    }
    if (!s->selectable) {
      AddSkipped(&e, id, absl::StrJoin(s->reasons, "; "));
      continue;
    }
    e.set_chosen_provider_id(id);
    if (request.policy.allocation_policy() == v1::ALLOCATION_POLICY_ROTATION) {
      e.set_rotation_sequence(request.rotation.sequence + 1);
    }
    return e;
  }
  std::vector<std::string> why;
  for (const auto& s : e.skipped()) {
    why.push_back(s.provider_id().empty()
                      ? s.reason()
                      : absl::StrCat(s.provider_id(), ": ", s.reason()));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "non-choice allocation: no provider can take the client in zone ",
      request.zone_id, " from ", FormatDate(request.day),
      why.empty() ? "" : " (", absl::StrJoin(why, "; "),
      why.empty() ? "" : ")"));
}

}  // namespace lov::choice
