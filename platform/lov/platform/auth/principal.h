// Who is calling: a person signed in through the municipality's identity
// provider (staff carry an HSA-id) or a system, acting in one role. It is
// read from a verified credential only; access rules and the actor recorded
// in events come from here, never from request fields.

#ifndef LOV_PLATFORM_AUTH_PRINCIPAL_H_
#define LOV_PLATFORM_AUTH_PRINCIPAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/auth/v1/policy.pb.h"
#include "lov/platform/actor.h"

namespace lov::auth {

// The roles are the policy's enum, lov::auth::v1::Role; their names in
// tokens are RoleName / ParseRole (lov/platform/actor.h).

struct Principal {
  // The person's HSA-id ("SE2321000016-1234") or a system identity.
  std::string subject;
  // Optional, for display only; never logged.
  std::string display_name;
  // The least-privileged role until a credential says otherwise.
  v1::Role role = v1::ROLE_OPERATOR;
  // The municipality or provider organisation the credential was issued for.
  std::string organisation;
  // Set for ROLE_PROVIDER only: the one provider whose data it may touch.
  std::string provider_id;
  // The instant the verifier stops accepting the credential (a token's
  // exp, plus the allowed clock skew): a stream admitted with it ends there.
  absl::Time valid_until = absl::InfiniteFuture();
};

// The rules every principal keeps, InvalidArgument naming the broken one: a
// subject; a role; a provider id exactly when the role is provider; no personal
// identity number in the subject, organisation or provider id (they travel
// in logs, events and audit records).
absl::Status ValidatePrincipal(const Principal& principal);

// "provider SE2321000016-1234 org=0180 provider=prv-7" for logs and events:
// no display name, and any part holding a personal identity number shown as
// "[redacted]".
std::string DescribeForLog(const Principal& principal);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_PRINCIPAL_H_
