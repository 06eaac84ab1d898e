// Capacity slots left pending past their expiry are given back once the
// state projection has read the choice topic past them (see
// reservation_resolver.h).
#include "lov/choice/app/reservation_resolver.h"

#include <optional>

#include "lov/platform/log.h"

namespace lov::choice {
namespace {

constexpr absl::Duration kPollEvery = absl::Milliseconds(50);

}  // namespace

absl::StatusOr<int> ReservationResolver::Resolve() {
  absl::StatusOr<std::vector<PendingReservation>> expired =
      store_->ExpiredReservations(clock_->Now());
  if (!expired.ok()) return expired.status();
  if (expired->empty()) return 0;
  // Read after every one of them expired: their events, if any, lie below.
  absl::StatusOr<std::map<int32_t, int64_t>> end = topic_end_->HighWatermarks();
  if (!end.ok()) return end.status();
  if (absl::Status s = AwaitProjection(*end); !s.ok()) return s;
  int released = 0;
  for (const PendingReservation& p : *expired) {
    absl::StatusOr<bool> given_back = store_->Release(p.reservation);
    if (!given_back.ok()) return given_back.status();
    if (!*given_back) continue;  // settled meanwhile
    ++released;
    log::Info("gave back a capacity slot whose event never came",
              {{"provider_id", p.reservation.provider_id},
               {"zone_id", p.reservation.zone_id},
               {"client_id", p.reservation.client_id},
               {"request_id", p.request_id},
               {"owner", p.owner}});
  }
  return released;
}

absl::Status ReservationResolver::AwaitProjection(
    const std::map<int32_t, int64_t>& end) {
  const absl::Time give_up = absl::Now() + catch_up_timeout_;
  while (true) {
    absl::StatusOr<bool> caught_up = CaughtUp(end);
    if (!caught_up.ok()) return caught_up.status();
    if (*caught_up) return absl::OkStatus();
    if (absl::Now() >= give_up) {
      return absl::UnavailableError(
          "expired capacity reservations stay pending: the state projection "
          "has not yet applied the choice topic to its end");
    }
    absl::SleepFor(kPollEvery);
  }
}

absl::StatusOr<bool> ReservationResolver::CaughtUp(
    const std::map<int32_t, int64_t>& end) {
  for (const auto& [partition, high] : end) {
    if (high == 0) continue;  // an empty partition
    absl::StatusOr<std::optional<int64_t>> next =
        applied_->Load(topic_, partition);
    if (!next.ok()) return next.status();
    if (!next->has_value() || **next < high) return false;
  }
  return true;
}

std::function<void()> ResolveExpiredReservations(
    ReservationResolver* resolver) {
  return [resolver] {
    absl::StatusOr<int> released = resolver->Resolve();
    if (!released.ok()) {
      log::Warn("capacity reservations not resolved yet",
                {{"error", released.status()}});
    } else if (*released > 0) {
      log::Info("capacity reservations resolved", {{"released", *released}});
    }
  };
}

}  // namespace lov::choice
