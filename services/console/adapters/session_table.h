#ifndef LOV_CONSOLE_ADAPTERS_SESSION_TABLE_H_
#define LOV_CONSOLE_ADAPTERS_SESSION_TABLE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lov/platform/auth/principal.h"
#include "lov/platform/clock.h"

namespace lov::console {

struct DashboardSession {
  auth::Principal principal;
  absl::Time expires;
  // The ID token of a sign-in at the identity provider, for its sign-out
  // (id_token_hint); empty for a pasted token. Server-side only.
  std::string id_token;
};

// The dashboard's signed-in browsers, in memory: a session id (256 random
// bits from OpenSSL, hex) stands for a principal until it expires. The
// table is bounded: a sign-in into a full table first drops the expired
// sessions, then the one nearest its end. Thread-safe.
class SessionTable {
 public:
  // `clock` must outlive the table.
  SessionTable(const Clock* clock, size_t max_sessions,
               absl::Duration max_lifetime);

  // A new session for `principal`, expiring at `until` (the token's expiry)
  // or after the maximum lifetime, whichever comes first. Internal if no
  // random id can be made; InvalidArgument if `until` has passed.
  absl::StatusOr<std::string> Open(const auth::Principal& principal,
                                   absl::Time until, std::string id_token = "");
  // The session `id` stands for; nullopt if unknown or expired (an expired
  // one is dropped).
  std::optional<DashboardSession> Find(std::string_view id);
  // Ends the session; what it was (nullopt if unknown or expired).
  std::optional<DashboardSession> Close(std::string_view id);
  size_t size() const;

 private:
  void MakeRoom() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* clock_;
  const size_t max_sessions_;
  const absl::Duration max_lifetime_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, DashboardSession> sessions_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_SESSION_TABLE_H_
