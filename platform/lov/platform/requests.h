#ifndef LOV_PLATFORM_REQUESTS_H_
#define LOV_PLATFORM_REQUESTS_H_

// Idempotent writes: every write request carries a request id, unique per
// change and reused on retry. The events record the id and a fingerprint of
// the request, so a retry is recognised even after a state rebuild.

#include <google/protobuf/message.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/actor.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"

namespace lov {

// Held while one command changes one aggregate; released when destroyed.
// Commands on the same aggregate, in any replica, never interleave.
class AggregateLock {
 public:
  virtual ~AggregateLock() = default;
  // Confirms the lock is still this holder's and keeps it for at least
  // `at_least` from now; ABORTED if it expired and may have been taken
  // over. The write path calls it right before publishing, with a bound
  // longer than any publish can wait, so a holder that lost its lock
  // (paused, slow) never publishes, and one that confirmed keeps it until
  // its publish has ended either way. The base class is a lock that
  // cannot expire (an in-process lock, as in application tests).
  virtual absl::Status Hold(absl::Duration at_least) {
    (void)at_least;
    return absl::OkStatus();
  }
  // Leaves the lock to expire on its own instead of releasing it: after a
  // publish with an unknown outcome, no command decides on this aggregate
  // until the log has had time to settle and the state to show it.
  virtual void KeepUntilExpiry() {}
};

// How long the write path holds the aggregate lock for one publish: longer
// than the producer's longest wait (delivery timeout 30 s + 10 s margin,
// kafka.h).
inline constexpr absl::Duration kPublishLease = absl::Seconds(60);

// What a request id was used for.
struct RequestRecord {
  std::string fingerprint;
  std::string aggregate_id;
};

// The id is present and carries no personal identity number (request ids
// travel in events).
absl::Status RequireRequestId(const std::string& request_id);

// InvalidArgument naming the first of `fields` (singular string fields of
// `request`, by name; names the message lacks are skipped) that holds a
// personnummer (FindPersonnummer): ids and free text that travel in events,
// e.g. reasons and staff ids, must not carry one.
absl::Status RefusePersonnummerIn(
    const google::protobuf::Message& request,
    std::initializer_list<std::string_view> fields);

// The request's type and content without its request_id: a retry under the
// same id matches, and two kinds of request that serialise to the same bytes
// do not.
std::string RequestFingerprint(const google::protobuf::Message& request);

// The aggregate id when `seen` is this very request (a retry); NotFound when
// the id is new; AlreadyExists when it was used for a different request.
absl::StatusOr<std::string> MatchPreviousRequest(
    const std::optional<RequestRecord>& seen, const std::string& request_id,
    const std::string& fingerprint);

// The one wording of "the event log did not take the change" (Unavailable):
// nothing was changed, so the caller retries.
absl::Status NotStoredError(const absl::Status& cause, bool has_request_id);

// The one wording of "the change may or may not be in the event log"
// (DEADLINE_EXCEEDED, which gRPC defines as "the operation may have
// completed"): a publish that timed out after the broker may have stored
// it. Nothing given back; a retry with the same request id learns the
// outcome. Publishers return DEADLINE_EXCEEDED for exactly this case.
absl::Status OutcomeUnknownError(const absl::Status& cause,
                                 bool has_request_id);
inline bool IsOutcomeUnknown(const absl::Status& status) {
  return absl::IsDeadlineExceeded(status);
}

// The id of the `index`-th event of the command with this request id and
// fingerprint: a retry that publishes the same change again carries the
// same ce_id, so subscribers (and the projections' dedupe) see it once.
std::string EventIdOf(const std::string& request_id,
                      const std::string& fingerprint, size_t index);

// Fills the envelope every service's event message shares; the actor is
// the current thread's (CurrentActor).
template <typename Event>
void FillEnvelope(Event* event, const std::string& aggregate_id,
                  int64_t version, const std::string& request_id,
                  const std::string& fingerprint, absl::Time now) {
  event->set_event_id(NewUuid());
  *event->mutable_occurred_at() = ToProtoTime(now);
  event->set_aggregate_id(aggregate_id);
  event->set_aggregate_version(version);
  event->set_request_id(request_id);
  event->set_request_fingerprint(fingerprint);
  *event->mutable_actor() = CurrentActor();
}

}  // namespace lov

#endif  // LOV_PLATFORM_REQUESTS_H_
