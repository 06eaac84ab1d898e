#include "lov/platform/auth/refreshing_verifier.h"

#include <utility>

#include "absl/status/status.h"

namespace lov::auth {

RefreshingVerifier::RefreshingVerifier(KeySetFetcher fetch,
                                       VerifierOptions options,
                                       RefreshSettings settings,
                                       const Clock* clock)
    : fetch_(std::move(fetch)),
      options_(std::move(options)),
      settings_(std::move(settings)),
      clock_(clock) {}

absl::StatusOr<std::unique_ptr<RefreshingVerifier>> RefreshingVerifier::Start(
    KeySetFetcher fetch, VerifierOptions options, RefreshSettings settings,
    const Clock* clock) {
  std::unique_ptr<RefreshingVerifier> verifier(new RefreshingVerifier(
      std::move(fetch), std::move(options), std::move(settings), clock));
  if (absl::Status s = verifier->Refresh(); !s.ok()) return s;
  if (verifier->settings_.background) {
    verifier->refresher_ =
        std::thread([v = verifier.get()] { v->RefreshLoop(); });
  }
  return verifier;
}

RefreshingVerifier::~RefreshingVerifier() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (refresher_.joinable()) refresher_.join();
}

absl::Status RefreshingVerifier::Refresh() const {
  absl::MutexLock one_fetch(&fetch_mu_);
  absl::StatusOr<std::string> text = fetch_();
  if (!text.ok()) return text.status();
  absl::StatusOr<std::unique_ptr<TokenVerifier>> next =
      TokenVerifier::Create(*text, options_, clock_);
  if (!next.ok()) return next.status();
  absl::MutexLock lock(&mu_);
  current_ = std::move(*next);
  return absl::OkStatus();
}

std::shared_ptr<const TokenVerifier> RefreshingVerifier::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

size_t RefreshingVerifier::key_count() const { return Current()->key_count(); }

bool RefreshingVerifier::MayRefetch() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (now - last_unknown_key_fetch_ < settings_.min_refetch) return false;
  last_unknown_key_fetch_ = now;
  return true;
}

absl::StatusOr<Principal> RefreshingVerifier::Verify(
    std::string_view bearer_token) const {
  absl::StatusOr<Principal> principal = Current()->Verify(bearer_token);
  if (principal.ok() || !IsUnknownKey(principal.status()) || !MayRefetch()) {
    return principal;
  }
  if (absl::Status s = Refresh(); !s.ok()) {
    if (settings_.on_refresh_failed) settings_.on_refresh_failed(s);
    return principal;
  }
  return Current()->Verify(bearer_token);
}

void RefreshingVerifier::RefreshLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      const bool stop = mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                             settings_.refresh_every);
      if (stop) return;
    }
    if (absl::Status s = Refresh(); !s.ok() && settings_.on_refresh_failed) {
      settings_.on_refresh_failed(s);
    }
  }
}

}  // namespace lov::auth
