#include "lov/registry/domain/sanction_rules.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/contract/provider_record.h"
#include "lov/registry/domain/field_errors.h"
#include "lov/registry/domain/finding_reference.h"

namespace lov::registry {

using internal::DateField;
using internal::Invalid;
using internal::Rule;

absl::StatusOr<v1::Provider> ImposeSanction(
    v1::Provider provider, const v1::ImposeSanctionRequest& request,
    absl::CivilDay today) {
  if (request.reason().empty()) return Invalid("reason", "is required");
  if (absl::Status s =
          CheckFindingReference(request.follow_up_id(), request.finding_id());
      !s.ok()) {
    return s;
  }
  v1::Sanction s;
  s.set_sanction_id(absl::StrCat("san-", provider.sanctions_size() + 1));
  s.set_kind(request.kind());
  s.set_reason(request.reason());
  s.set_decided_on(FormatDate(today));
  s.set_follow_up_id(request.follow_up_id());
  s.set_finding_id(request.finding_id());
  switch (request.kind()) {
    case v1::SANCTION_KIND_WARNING:
      break;
    case v1::SANCTION_KIND_ACTION_PLAN: {
      absl::StatusOr<absl::CivilDay> deadline =
          DateField("deadline", request.deadline(), std::nullopt);
      if (!deadline.ok()) return deadline.status();
      if (*deadline <= today) {
        return Invalid("deadline", "must be after today");
      }
      s.set_deadline(FormatDate(*deadline));
      break;
    }
    case v1::SANCTION_KIND_SUSPENSION: {
      absl::StatusOr<absl::CivilDay> from =
          DateField("effective_date", request.effective_date(), today);
      if (!from.ok()) return from.status();
      s.set_effective_date(FormatDate(*from));
      break;
    }
    case v1::SANCTION_KIND_TERMINATION: {
      absl::StatusOr<absl::CivilDay> end =
          DateField("effective_date", request.effective_date(), std::nullopt);
      if (!end.ok()) return end.status();
      if (*end <= today) {
        return Invalid("effective_date",
                       "a termination takes effect after today");
      }
      if (Terminated(provider)) {
        return Rule("the provider's contract is already terminated");
      }
      s.set_effective_date(FormatDate(*end));
      const std::string last_day = FormatDate(*end - 1);
      for (auto& a : *provider.mutable_approvals()) {
        if (a.effective_to().empty() || a.effective_to() > last_day) {
          a.set_effective_to(last_day);
        }
      }
      break;
    }
    default:
      return Invalid("kind",
                     "must be WARNING, ACTION_PLAN, SUSPENSION or TERMINATION");
  }
  *provider.add_sanctions() = s;
  return provider;
}

absl::StatusOr<v1::Provider> LiftSuspension(
    v1::Provider provider, const v1::LiftSuspensionRequest& request,
    absl::CivilDay today) {
  for (auto& s : *provider.mutable_sanctions()) {
    if (s.sanction_id() != request.sanction_id()) continue;
    if (s.kind() != v1::SANCTION_KIND_SUSPENSION) {
      return Rule(
          absl::StrCat("sanction '", s.sanction_id(), "' is not a suspension"));
    }
    if (s.lifted()) {
      return Rule(absl::StrCat("suspension '", s.sanction_id(),
                               "' was already lifted on ", s.lifted_on()));
    }
    s.set_lifted(true);
    s.set_lifted_on(FormatDate(today));
    return provider;
  }
  return absl::NotFoundError(absl::StrCat("sanction '", request.sanction_id(),
                                          "' of provider '",
                                          provider.provider_id(), "'"));
}

}  // namespace lov::registry
