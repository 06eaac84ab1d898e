#ifndef LOV_SERVICES_CHOICE_APP_USE_CASE_SUPPORT_H_
#define LOV_SERVICES_CHOICE_APP_USE_CASE_SUPPORT_H_

// What the choice service's use cases share: the records a decision reads,
// the plan a change of one client fills, the checks of common fields and
// the events several use cases build the same way.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/ports.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/choice/v1/events.pb.h"

namespace lov::choice {

// The aggregates beside the clients.
inline constexpr char kPolicyAggregate[] = "policy";
inline constexpr char kZoneHealthAggregate[] = "zone-health";

// What every decision reads.
struct ChoiceContext {
  reg::Municipality municipality;
  std::vector<reg::Provider> providers;
  v1::ChoicePolicy policy;
  absl::CivilDay today;
  // The policy's in-house provider, else the registry's.
  std::string in_house_provider_id;
  const reg::Provider* Provider(const std::string& id) const;
};

// Events (payloads only) a command decided for one client, the capacity
// slots they took (pending under `tag`) and the locks held until they are
// stored.
struct ClientPlan {
  std::vector<v1::ChoiceEvent> events;
  ReservationTag tag;
  std::vector<Reservation> reservations;
  std::vector<std::unique_ptr<AggregateLock>> locks;
};

// ---- checks of common fields (InvalidArgument / FailedPrecondition
// naming the field or the rule)
absl::Status RequireClientId(const std::string& client_id);
absl::Status RequireActive(const v1::Client& client);
absl::Status RequireZone(const reg::Municipality& municipality,
                         const std::string& zone_id);
// The normalised number ("YYYYMMDDNNNN").
absl::StatusOr<std::string> PersonnummerField(const std::string& text);
// `text` as a date, or `fallback` when empty.
absl::StatusOr<absl::CivilDay> DateOr(const std::string& field,
                                      const std::string& text,
                                      absl::CivilDay fallback);
// A date already validated ("" or a bad one: the default day).
absl::CivilDay Day(const std::string& text);
// The decision a client whose care runs is served under on `day`: the one
// in force, or the next one to start.
absl::StatusOr<const v1::Decision*> DecisionToServe(const v1::Client& client,
                                                    const std::string& day);
// A decision the client may be given: its care has not ended and the
// decision is valid in the municipality.
absl::Status RequireDecisionAllowed(const v1::Client& client,
                                    const v1::Decision& decision,
                                    const ChoiceContext& ctx);
std::vector<std::string> CategoriesOf(const v1::Decision& decision);
// The categories a choice covers, as the groups that get one assignment
// each: all together when one provider serves all, else one per category.
absl::StatusOr<std::vector<std::vector<std::string>>> ChoiceGroups(
    const v1::ChoicePolicy& policy, const v1::Decision& decision,
    const google::protobuf::RepeatedPtrField<std::string>& requested);

// ---- standings (the provider's slots counted from `day`, the client's own
// left out: it keeps that one)
// Every provider's standing for client `client_id` granted `client_minutes`
// a month in `category_ids`.
absl::StatusOr<std::vector<Standing>> Standings(
    ChoiceStore& store, const ChoiceContext& ctx, const std::string& zone_id,
    const std::vector<std::string>& category_ids, absl::CivilDay day,
    const std::string& client_id, int64_t client_minutes);
absl::StatusOr<Standing> StandingFor(
    ChoiceStore& store, const ChoiceContext& ctx, const reg::Provider& provider,
    const std::string& zone_id, const std::vector<std::string>& cats,
    absl::CivilDay day, const std::string& client_id, int64_t client_minutes);

// ---- events
// AssignmentStarted for a new assignment (a fresh id, open-ended).
v1::ChoiceEvent StartAssignment(const std::string& client_id,
                                const std::string& provider_id,
                                const std::string& zone_id,
                                const std::vector<std::string>& category_ids,
                                const std::string& valid_from,
                                v1::AssignmentReason reason);
// The assignment `started` replaces ends the day before `from`.
void Replaces(const v1::Assignment& ending, absl::CivilDay from,
              v1::ChoiceEvent* started);
// AssignmentEnded: `assignment` ends on `last_day`.
v1::ChoiceEvent EndAssignment(const v1::Assignment& assignment,
                              const std::string& last_day,
                              v1::EndReason reason);
// RechoiceCaseOpened: the client chooses again by `deadline` or is
// allocated a provider from `effective_date`.
struct CaseOpening {
  std::string case_id;
  std::string provider_id;  // the provider being left
  std::string zone_id;
  std::string deadline;
  std::string effective_date;
  std::string cause;
};
v1::ChoiceEvent CaseOpened(const std::string& client_id,
                           const CaseOpening& opening);
// RechoiceCaseClosed with its outcome ("re-chosen", "allocated",
// "withdrawn").
v1::ChoiceEvent CaseClosed(const std::string& client_id,
                           const std::string& case_id,
                           const std::string& outcome);

// The answer of a command that starts assignments: the client after it
// and the assignments `published` started (none on a retry).
template <typename Response>
Response WithStarted(const v1::Client& client,
                     const std::vector<v1::ChoiceEvent>& published) {
  Response out;
  *out.mutable_client() = client;
  for (const auto& e : published) {
    if (e.has_assignment_started()) {
      *out.add_started() = e.assignment_started().assignment();
    }
  }
  return out;
}

// A provider leaving the choice system or a zone (notice given, contract
// terminated) on `leaving_date`, the first day without it.
struct Departure {
  std::string provider_id;
  std::string zone_id;  // empty: every zone
  std::string leaving_date;
  std::string cause;
};

// A change the service makes itself (a reaction, a due allocation), under
// a request id of its own so a redelivery is recognised.
v1::AllocateNonChoiceRequest ServiceRequest(const std::string& request_id,
                                            const std::string& client_id);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_USE_CASE_SUPPORT_H_
