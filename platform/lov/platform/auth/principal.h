// Who is calling: a person signed in through the municipality's identity
// provider (staff carry an HSA-id) or a system, acting in one role. It is
// read from a verified credential only; access rules and the actor recorded
// in events come from here, never from request fields.

#ifndef LOV_PLATFORM_AUTH_PRINCIPAL_H_
#define LOV_PLATFORM_AUTH_PRINCIPAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace lov::auth {

enum class Role {
  kCaseOfficer,      // case_officer (handläggare): clients, decisions, choice
  kRegistryOfficer,  // registry_officer: providers, approvals, capacity
  kProvider,         // provider (utförare): only its own clients and visits
  kFinance,          // finance: rates, one-off payments, statements
  kOperator,         // operator: dashboard and health, read-only
  kAuditor,          // auditor: the audit log
  kService,          // service: one LOV service calling another
};

// The role's name in tokens, policies and logs: "case_officer", ...
std::string_view RoleName(Role role);
// The role called `name`; InvalidArgument listing the known names otherwise.
absl::StatusOr<Role> ParseRole(std::string_view name);
// Every role, in declaration order (for policy tables and their tests).
absl::Span<const Role> AllRoles();

struct Principal {
  // The person's HSA-id ("SE2321000016-1234") or a system identity.
  std::string subject;
  // Optional, for display only; never logged.
  std::string display_name;
  // The least-privileged role until a credential says otherwise.
  Role role = Role::kOperator;
  // The municipality or provider organisation the credential was issued for.
  std::string organisation;
  // Set for Role::kProvider only: the one provider whose data it may touch.
  std::string provider_id;
};

// The rules every principal keeps, InvalidArgument naming the broken one: a
// subject; a provider id exactly when the role is provider; no personal
// identity number in the subject, organisation or provider id (they travel
// in logs, events and audit records).
absl::Status ValidatePrincipal(const Principal& principal);

// "provider SE2321000016-1234 org=0180 provider=prv-7" for logs and events:
// no display name, and any part holding a personal identity number shown as
// "[redacted]".
std::string DescribeForLog(const Principal& principal);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_PRINCIPAL_H_
