#ifndef LOV_PLATFORM_COMMAND_RUNNER_H_
#define LOV_PLATFORM_COMMAND_RUNNER_H_

// The one write path of every service:
//
//   lock the aggregate -> check the request id (a retry gets the first
//   outcome) -> decide (pure rules on the loaded state) -> publish the events
//   durably to Kafka -> apply them to the serving state -> answer.
//
// A use case only loads, decides and says what a retry returns; the order
// of the steps, the envelope's command fields (with the actor: the caller
// from its credential, see call_guard.h) and the wording of every failure
// live here.
//
// Faults: the lock is confirmed and extended right before the publish
// (AggregateLock::Hold), so a holder whose lock expired publishes nothing.
// A publish that definitely failed gives back what deciding took
// (Decision::on_not_stored) and answers "not stored, retry"; one whose
// outcome is unknown (the broker may have the events) gives nothing back
// and answers "outcome unknown" (DEADLINE_EXCEEDED). Event ids derive from
// the request id, so a retried publish of the same change has the same
// ce_id and subscribers see it once.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/actor.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"

namespace lov {

// What the write path needs from a service: its store's lock and request
// records, its publisher, and its state update. Each service fills these
// from its own ports, so application tests run the real path on fakes.
template <typename Event>
struct CommandPorts {
  // Serialises commands on one aggregate, across replicas.
  std::function<absl::StatusOr<std::unique_ptr<AggregateLock>>(
      const std::string& key)>
      lock;
  // What a request id was used for; nullopt if never.
  std::function<absl::StatusOr<std::optional<RequestRecord>>(
      const std::string& request_id)>
      find_request;
  // Returns once every event is durably in the event log, in order.
  std::function<absl::Status(const std::vector<Event>&)> publish;
  // Brings the serving state up to date with one published event.
  std::function<absl::Status(const Event&)> apply;
};

// One command: the aggregate it changes and how a retry is recognised.
struct Command {
  // The lock key: the aggregate the command changes (or, for a command
  // that creates one, the natural key that makes it unique).
  std::string lock_key;
  // The caller's id for this change, reused on retry, and the request's
  // fingerprint (RequestFingerprint). Both empty only for commands that are
  // idempotent by a key of their own (settlement's rate table dates and
  // payment ids), which their decision checks.
  std::string request_id;
  std::string fingerprint;

  // A command deduplicated by its request id.
  static Command ByRequest(std::string lock_key,
                           const google::protobuf::Message& request,
                           std::string request_id) {
    return {std::move(lock_key), std::move(request_id),
            RequestFingerprint(request)};
  }
};

// What a use case decided: the events to publish (payload, aggregate_id and
// aggregate_version set; the runner adds event id, time, request id and
// fingerprint) and the answer. No events: nothing changes (e.g. the same
// record sent again), the answer is returned as it is.
template <typename Event, typename Result>
struct Decision {
  Decision() = default;
  Decision(std::vector<Event> e, Result r, std::function<void()> undo = {})
      : events(std::move(e)),
        result(std::move(r)),
        on_not_stored(std::move(undo)) {}

  std::vector<Event> events;
  Result result;
  // Runs when the events could not be stored, to give back what deciding
  // took outside the aggregate (e.g. capacity slots).
  std::function<void()> on_not_stored;
};

// How long a command whose publish had an unknown outcome looks for its
// events in the state before it answers "outcome unknown".
inline constexpr absl::Duration kReadBack = absl::Seconds(5);

template <typename Event>
class CommandRunner {
 public:
  CommandRunner(CommandPorts<Event> ports, const Clock* clock)
      : ports_(std::move(ports)), clock_(clock) {}
  void set_read_back(absl::Duration d) { read_back_ = d; }

  // What a retry of `command` answers, given the aggregate the first
  // attempt recorded; nullopt when that outcome is not in the state (it is
  // then decided again).
  template <typename Result>
  using Replay = std::function<absl::StatusOr<std::optional<Result>>(
      const std::string& aggregate_id)>;
  template <typename Result>
  using Decide = std::function<absl::StatusOr<Decision<Event, Result>>()>;

  template <typename Result>
  absl::StatusOr<Result> Run(const Command& command,
                             const Replay<Result>& replay,
                             const Decide<Result>& decide) {
    const bool by_request =
        !command.request_id.empty() || !command.fingerprint.empty();
    if (by_request) {
      if (absl::Status s = RequireRequestId(command.request_id); !s.ok()) {
        return s;
      }
    }
    absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
        ports_.lock(command.lock_key);
    if (!lock.ok()) return lock.status();
    if (by_request) {
      absl::StatusOr<std::optional<Result>> earlier = Replayed(command, replay);
      if (!earlier.ok()) return earlier.status();
      if (earlier->has_value()) return std::move(**earlier);
    }
    absl::StatusOr<Decision<Event, Result>> decision = decide();
    if (!decision.ok()) return decision.status();
    absl::Status stored = decision->events.empty()
                              ? absl::OkStatus()
                              : (*lock)->Hold(kPublishLease);
    if (stored.ok()) stored = Store(command, decision->events);
    if (stored.ok()) return std::move(decision->result);
    if (!IsOutcomeUnknown(stored)) {
      if (decision->on_not_stored) decision->on_not_stored();
      return stored;
    }
    (*lock)->KeepUntilExpiry();
    if (by_request) {
      // Read back: if the events reached the log, the projection brings
      // them into the state within moments, and the caller gets the
      // outcome instead of a doubt.
      // (Real time: a wait on the infrastructure, not a domain rule.)
      const absl::Time give_up = absl::Now() + read_back_;
      while (true) {
        absl::StatusOr<std::optional<Result>> landed =
            Replayed(command, replay);
        if (landed.ok() && landed->has_value()) return std::move(**landed);
        if (absl::Now() >= give_up) break;
        absl::SleepFor(absl::Milliseconds(100));
      }
    }
    return stored;
  }

  // Publishes and applies events decided outside Run (a reaction that
  // holds its own locks); same envelope, wording and state update.
  absl::Status Store(const Command& command, std::vector<Event>& events) {
    if (events.empty()) return absl::OkStatus();
    const auto now = ToProtoTime(clock_->Now());
    for (size_t i = 0; i < events.size(); ++i) {
      Event& e = events[i];
      e.set_event_id(
          command.request_id.empty()
              ? NewUuid()
              : EventIdOf(command.request_id, command.fingerprint, i));
      *e.mutable_occurred_at() = now;
      e.set_request_id(command.request_id);
      e.set_request_fingerprint(command.fingerprint);
      *e.mutable_actor() = CurrentActor();
    }
    if (absl::Status s = ports_.publish(events); !s.ok()) {
      const bool has_request_id = !command.request_id.empty();
      return IsOutcomeUnknown(s) ? OutcomeUnknownError(s, has_request_id)
                                 : NotStoredError(s, has_request_id);
    }
    for (const Event& e : events) {
      if (absl::Status s = ports_.apply(e); !s.ok()) {
        // The event is durable; the projection will bring the state up to
        // date.
        log::Warn(
            "state update after publish failed; the projection will apply it",
            {{"event_id", e.event_id()}, {"error", s}});
      }
    }
    return absl::OkStatus();
  }

 private:
  template <typename Result>
  absl::StatusOr<std::optional<Result>> Replayed(const Command& command,
                                                 const Replay<Result>& replay) {
    absl::StatusOr<std::optional<RequestRecord>> seen =
        ports_.find_request(command.request_id);
    if (!seen.ok()) return seen.status();
    absl::StatusOr<std::string> aggregate =
        MatchPreviousRequest(*seen, command.request_id, command.fingerprint);
    if (absl::IsNotFound(aggregate.status())) return std::optional<Result>();
    if (!aggregate.ok()) return aggregate.status();
    return replay(*aggregate);
  }

  CommandPorts<Event> ports_;
  const Clock* clock_;
  absl::Duration read_back_ = kReadBack;
};

}  // namespace lov

#endif  // LOV_PLATFORM_COMMAND_RUNNER_H_
