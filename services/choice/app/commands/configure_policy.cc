// The municipality sets its rules for choice (valfrihetssystem): how a
// client who does not choose is allocated, when a re-choice takes effect,
// whether one provider serves all categories, the re-choice case deadline.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/rechoice_rules.h"

namespace lov::choice {
namespace {

// Every provider the policy names is known to the registry.
absl::Status RequireKnownProviders(ChoiceStore& store,
                                   const v1::ChoicePolicy& policy) {
  std::vector<std::string> named;
  if (!policy.in_house_provider_id().empty()) {
    named.push_back(policy.in_house_provider_id());
  }
  for (const auto& d : policy.designated_providers()) {
    named.push_back(d.provider_id());
  }
  for (const auto& id : named) {
    absl::StatusOr<std::optional<reg::Provider>> p = store.GetProvider(id);
    if (!p.ok()) return p.status();
    if (!p->has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy: names provider '", id, "', unknown to the registry"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::ConfigurePolicy(
    const v1::ConfigurePolicyRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  v1::ChoicePolicy policy = request.policy();
  policy.set_version(0);
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  using Result = lov::Decision<v1::ChoiceEvent, v1::ChoicePolicy>;
  return runner_.Run<v1::ChoicePolicy>(
      Command::ByRequest(kPolicyAggregate, request, request.request_id()),
      [&](const std::string&)
          -> absl::StatusOr<std::optional<v1::ChoicePolicy>> {
        absl::StatusOr<v1::ChoicePolicy> current = CurrentPolicy();
        if (!current.ok()) return current.status();
        return std::optional<v1::ChoicePolicy>(*current);
      },
      [&]() -> absl::StatusOr<Result> {
        if (absl::Status s = RequireKnownProviders(*store_, policy); !s.ok()) {
          return s;
        }
        absl::StatusOr<std::optional<v1::ChoicePolicy>> current =
            store_->GetPolicy();
        if (!current.ok()) return current.status();
        policy.set_version(current->has_value() ? (*current)->version() + 1
                                                : 1);
        v1::ChoiceEvent event;
        event.set_aggregate_id(kPolicyAggregate);
        event.set_aggregate_version(policy.version());
        *event.mutable_policy_configured()->mutable_policy() = policy;
        return Result{{std::move(event)}, policy};
      });
}

}  // namespace lov::choice
