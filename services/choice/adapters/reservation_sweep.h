#ifndef LOV_SERVICES_CHOICE_ADAPTERS_RESERVATION_SWEEP_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_RESERVATION_SWEEP_H_

#include <memory>
#include <string>

#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/reservation_resolver.h"
#include "lov/platform/periodic_runner.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topic_end.h"

namespace lov::choice {

// How often expired capacity reservations are looked for.
inline constexpr absl::Duration kResolveEvery = absl::Seconds(10);

// Resolves expired capacity reservations (ReservationResolver) from when
// the service serves until it shuts down: against the end of the choice
// topic `topic` and the offsets the "state" projection keeps with the
// state (the key Projection gives them).
inline absl::Status SweepReservations(ServiceContext& ctx,
                                      RedisChoiceStore* store,
                                      const std::string& topic) {
  absl::StatusOr<std::unique_ptr<KafkaTopicEnd>> end =
      KafkaTopicEnd::Create(ctx.settings().kafka(), topic);
  if (!end.ok()) return end.status();
  auto* applied = ctx.Make<RedisOffsetStore>(
      ctx.redis(), ProjectionOffsetsKey(ctx.KeyPrefix(), "state"));
  auto* resolver = ctx.Make<ReservationResolver>(
      store, ctx.Keep(std::move(*end)), applied, topic, ctx.clock());
  auto* sweep = ctx.Make<PeriodicRunner>(ResolveExpiredReservations(resolver),
                                         kResolveEvery);
  ctx.RunWhileServing(sweep);
  return absl::OkStatus();
}

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_RESERVATION_SWEEP_H_
