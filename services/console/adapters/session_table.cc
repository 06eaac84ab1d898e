#include "lov/console/adapters/session_table.h"

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/escaping.h"

namespace lov::console {
namespace {

constexpr int kIdBytes = 32;  // 256 bits

absl::StatusOr<std::string> NewSessionId() {
  unsigned char bytes[kIdBytes];
  if (RAND_bytes(bytes, kIdBytes) != 1) {
    return absl::InternalError("no random session id (OpenSSL RAND_bytes)");
  }
  return absl::BytesToHexString(
      std::string(reinterpret_cast<const char*>(bytes), kIdBytes));
}

}  // namespace

SessionTable::SessionTable(const Clock* clock, size_t max_sessions,
                           absl::Duration max_lifetime)
    : clock_(clock),
      max_sessions_(std::max<size_t>(1, max_sessions)),
      max_lifetime_(max_lifetime) {}

absl::StatusOr<std::string> SessionTable::Open(const auth::Principal& principal,
                                               absl::Time until,
                                               std::string id_token) {
  const absl::Time now = clock_->Now();
  if (until <= now) {
    return absl::InvalidArgumentError("the sign-in has already expired");
  }
  absl::StatusOr<std::string> id = NewSessionId();
  if (!id.ok()) return id.status();
  absl::MutexLock lock(&mu_);
  MakeRoom();
  sessions_[*id] = {principal, std::min(until, now + max_lifetime_),
                    std::move(id_token)};
  return id;
}

void SessionTable::MakeRoom() {
  if (sessions_.size() < max_sessions_) return;
  const absl::Time now = clock_->Now();
  std::erase_if(sessions_, [now](const auto& entry) {
    return entry.second.expires <= now;
  });
  if (sessions_.size() < max_sessions_) return;
  auto soonest = std::min_element(sessions_.begin(), sessions_.end(),
                                  [](const auto& a, const auto& b) {
                                    return a.second.expires < b.second.expires;
                                  });
  sessions_.erase(soonest);
}

std::optional<DashboardSession> SessionTable::Find(std::string_view id) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= clock_->Now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

std::optional<DashboardSession> SessionTable::Close(std::string_view id) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  std::optional<DashboardSession> closed;
  if (it->second.expires > clock_->Now()) closed = std::move(it->second);
  sessions_.erase(it);
  return closed;
}

size_t SessionTable::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace lov::console
