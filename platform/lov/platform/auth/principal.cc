#include "lov/platform/auth/principal.h"

#include <array>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/identity_numbers.h"

namespace lov::auth {
namespace {

struct RoleEntry {
  Role role;
  std::string_view name;
};

constexpr std::array<RoleEntry, 7> kRoles = {{
    {Role::kCaseOfficer, "case_officer"},
    {Role::kRegistryOfficer, "registry_officer"},
    {Role::kProvider, "provider"},
    {Role::kFinance, "finance"},
    {Role::kOperator, "operator"},
    {Role::kAuditor, "auditor"},
    {Role::kService, "service"},
}};

constexpr std::array<Role, kRoles.size()> kAllRoles = [] {
  std::array<Role, kRoles.size()> roles{};
  for (size_t i = 0; i < kRoles.size(); ++i) roles[i] = kRoles[i].role;
  return roles;
}();

std::string Screened(std::string_view text) {
  return ContainsPersonnummer(text) ? "[redacted]" : std::string(text);
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.role == role) return entry.name;
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.name == name) return entry.role;
  }
  std::vector<std::string> names;
  for (const RoleEntry& entry : kRoles) names.emplace_back(entry.name);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role (known: ", absl::StrJoin(names, ", "), ")"));
}

absl::Span<const Role> AllRoles() { return kAllRoles; }

absl::Status ValidatePrincipal(const Principal& principal) {
  if (principal.subject.empty()) {
    return absl::InvalidArgumentError("no subject");
  }
  if (principal.role == Role::kProvider && principal.provider_id.empty()) {
    return absl::InvalidArgumentError("the provider role needs a provider id");
  }
  if (principal.role != Role::kProvider && !principal.provider_id.empty()) {
    return absl::InvalidArgumentError(
        "only the provider role carries a provider id");
  }
  const std::pair<std::string_view, const std::string*> screened[] = {
      {"subject", &principal.subject},
      {"organisation", &principal.organisation},
      {"provider id", &principal.provider_id}};
  for (const auto& [what, value] : screened) {
    if (ContainsPersonnummer(*value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(what), " contains a personal identity number"));
    }
  }
  return absl::OkStatus();
}

std::string DescribeForLog(const Principal& principal) {
  std::string out = absl::StrCat(std::string(RoleName(principal.role)), " ",
                                 Screened(principal.subject));
  if (!principal.organisation.empty()) {
    absl::StrAppend(&out, " org=", Screened(principal.organisation));
  }
  if (!principal.provider_id.empty()) {
    absl::StrAppend(&out, " provider=", Screened(principal.provider_id));
  }
  return out;
}

}  // namespace lov::auth
