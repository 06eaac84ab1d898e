#ifndef LOV_SERVICES_CHOICE_APP_RESERVATION_RESOLVER_H_
#define LOV_SERVICES_CHOICE_APP_RESERVATION_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/choice/ports.h"
#include "lov/platform/clock.h"
#include "lov/platform/kafka.h"

namespace lov::choice {

// Settles the capacity slots left pending past their expiry: by an
// instance killed between reserving and publishing, or by a publish whose
// outcome was unknown. Past its expiry a slot's publish has ended, so its
// event, if it exists, lies below the choice topic's end as read now; once
// the state projection has applied the topic that far (its offsets, kept
// with the state), that event would have settled the slot. A slot still pending
// then has no event and is given back. Runs beside the commands (main.cc),
// never in their way: a projection that lags leaves the slots pending until a
// later run.
class ReservationResolver {
 public:
  // `applied`: the state projection's offsets; `topic`: the choice topic's
  // name in them.
  ReservationResolver(ChoiceStore* store, TopicEnd* topic_end,
                      OffsetStore* applied, std::string topic,
                      const Clock* clock,
                      absl::Duration catch_up_timeout = absl::Seconds(5))
      : store_(store),
        topic_end_(topic_end),
        applied_(applied),
        topic_(std::move(topic)),
        clock_(clock),
        catch_up_timeout_(catch_up_timeout) {}

  // The number of slots given back; UNAVAILABLE when the projection has not
  // applied the topic to its end within the catch-up timeout.
  absl::StatusOr<int> Resolve();

 private:
  absl::Status AwaitProjection(const std::map<int32_t, int64_t>& end);
  // True when the projection has applied every partition up to `end`.
  absl::StatusOr<bool> CaughtUp(const std::map<int32_t, int64_t>& end);

  ChoiceStore* store_;
  TopicEnd* topic_end_;
  OffsetStore* applied_;
  std::string topic_;
  const Clock* clock_;
  absl::Duration catch_up_timeout_;
};

// Resolve, with its outcome logged: the background work of every instance
// (a restarted one settles what its predecessor left).
std::function<void()> ResolveExpiredReservations(ReservationResolver* resolver);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_RESERVATION_RESOLVER_H_
