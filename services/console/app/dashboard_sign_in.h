#ifndef LOV_CONSOLE_APP_DASHBOARD_SIGN_IN_H_
#define LOV_CONSOLE_APP_DASHBOARD_SIGN_IN_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lov/console/adapters/session_table.h"
#include "lov/platform/auth/bearer_verifier.h"

namespace lov::console {

// Sign-in to the dashboard: a person posts an OIDC bearer token from the
// municipality's identity provider, checked by the same verifier as the
// gRPC calls and against the dashboard's roles (dashboard_access.h); the
// browser then carries a session id instead of the token. Every attempt is
// logged (who, role, outcome, reason), never the token.
class DashboardSignIn {
 public:
  // `verifier` null: no identity provider, so nobody can sign in (the
  // dashboard is never open without sign-in). `sessions` must outlive this.
  DashboardSignIn(std::shared_ptr<const auth::BearerVerifier> verifier,
                  SessionTable* sessions);

  // A new session's id for a valid token in a dashboard role, from
  // `remote` (an address, for the log). UNAUTHENTICATED with the reason for
  // a token that does not verify; PERMISSION_DENIED naming the rule for one
  // in another role.
  absl::StatusOr<std::string> SignIn(std::string_view token,
                                     std::string_view remote);
  // The same for a principal another flow has verified from `token` (the
  // ID token of OidcDashboardSignIn, whose "exp" ends the session and which
  // the session keeps for the sign-out at the IdP), or its refusal, logged
  // alike.
  absl::StatusOr<std::string> SignInVerified(
      const absl::StatusOr<auth::Principal>& who, std::string_view token,
      std::string_view remote);
  // The principal of a live session; UNAUTHENTICATED if there is none.
  absl::StatusOr<auth::Principal> Check(std::string_view session_id);
  // Ends the session; the ID token it was opened with at the identity
  // provider (SignInVerified), empty for a pasted token or no session.
  std::string SignOut(std::string_view session_id);

 private:
  absl::StatusOr<std::string> OpenSession(const auth::Principal& who,
                                          std::string_view token,
                                          bool keep_id_token);

  std::shared_ptr<const auth::BearerVerifier> verifier_;
  SessionTable* sessions_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_APP_DASHBOARD_SIGN_IN_H_
