#ifndef LOV_PLATFORM_ACTOR_H_
#define LOV_PLATFORM_ACTOR_H_

// Who the current thread works for: the caller of the RPC being handled
// (set by the call guard from the caller's credential), or the service
// itself. Every event's envelope names it (FillEnvelope, CommandRunner).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lov/auth/v1/actor.pb.h"

namespace lov {

// The actor of the work the current thread does: the caller during an RPC,
// the service itself otherwise (reactions to other services' events, timed
// runs).
const auth::v1::Actor& CurrentActor();
// The service's own actor ("service:<name>", ROLE_SERVICE).
void SetSystemActor(const std::string& service_name);

// Makes `actor` the current thread's actor until destroyed.
class ScopedActor {
 public:
  explicit ScopedActor(const auth::v1::Actor& actor);
  ~ScopedActor();
  ScopedActor(const ScopedActor&) = delete;
  ScopedActor& operator=(const ScopedActor&) = delete;

 private:
  const auth::v1::Actor* previous_;
};

// Who is accountable for what the current call decides: the signed-in
// caller's subject when the call came with a credential (the request's
// own name field is then ignored), else `stated` (development without
// credentials, and work a service does on its own).
std::string AccountableName(const std::string& stated);

// The roles are one enum, the policy's (lov.auth.v1.Role in
// proto/lov/auth/v1/policy.proto); their names in tokens (the role claim),
// policies, messages and headers are mapped here only: the enum value's
// name without "ROLE_", in lower case ("case_officer").
std::string RoleName(auth::v1::Role role);
// The role called `name`; InvalidArgument listing the known names otherwise
// (ROLE_UNSPECIFIED has no name).
absl::StatusOr<auth::v1::Role> ParseRole(absl::string_view name);
// Every role but ROLE_UNSPECIFIED, in the enum's order.
absl::Span<const auth::v1::Role> AllRoles();

// The actor for logs and messages: "SE2321000016-1234 (case_officer)".
std::string ActorText(const auth::v1::Actor& actor);

}  // namespace lov

#endif  // LOV_PLATFORM_ACTOR_H_
