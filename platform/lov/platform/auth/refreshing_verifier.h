// Sign-in that follows the identity provider's key rotation: the key set is
// fetched at start (a failure there stops the service), again every
// `refresh_every` in the background, and at once when a token names a key id
// the current set does not hold (at most every `min_refetch`, so a flood of
// tokens with made-up key ids cannot turn into a flood of requests to the
// identity provider). A failed or unusable fetch keeps the keys in use.

#ifndef LOV_PLATFORM_AUTH_REFRESHING_VERIFIER_H_
#define LOV_PLATFORM_AUTH_REFRESHING_VERIFIER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lov/platform/auth/bearer_verifier.h"
#include "lov/platform/auth/key_set_source.h"
#include "lov/platform/auth/token_verifier.h"
#include "lov/platform/clock.h"

namespace lov::auth {

struct RefreshSettings {
  absl::Duration refresh_every = absl::Minutes(5);
  absl::Duration min_refetch = absl::Seconds(30);
  // Runs the periodic refresh in a thread of its own; tests call Refresh().
  bool background = true;
  // Told about every failed refresh (the service logs it and counts it).
  std::function<void(const absl::Status&)> on_refresh_failed;
};

class RefreshingVerifier : public BearerVerifier {
 public:
  // Fails with the first fetch's or the key set's error. `clock` must
  // outlive the verifier.
  static absl::StatusOr<std::unique_ptr<RefreshingVerifier>> Start(
      KeySetFetcher fetch, VerifierOptions options, RefreshSettings settings,
      const Clock* clock);
  ~RefreshingVerifier() override;

  absl::StatusOr<Principal> Verify(
      std::string_view bearer_token) const override;

  // Fetches the key set now; on failure the keys in use stay.
  absl::Status Refresh() const;
  size_t key_count() const;

 private:
  RefreshingVerifier(KeySetFetcher fetch, VerifierOptions options,
                     RefreshSettings settings, const Clock* clock);
  std::shared_ptr<const TokenVerifier> Current() const;
  // True (and the attempt recorded) when an unknown key id may fetch now.
  bool MayRefetch() const;
  void RefreshLoop();

  const KeySetFetcher fetch_;
  const VerifierOptions options_;
  const RefreshSettings settings_;
  const Clock* const clock_;

  mutable absl::Mutex fetch_mu_;  // one fetch at a time
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const TokenVerifier> current_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time last_unknown_key_fetch_ ABSL_GUARDED_BY(mu_) =
      absl::InfinitePast();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread refresher_;
};

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_REFRESHING_VERIFIER_H_
