#ifndef LOV_SERVICES_CHOICE_DOMAIN_CLIENT_STATE_H_
#define LOV_SERVICES_CHOICE_DOMAIN_CLIENT_STATE_H_

// A client's state is the fold of its events: the application layer
// decides events, this applies them, and a state rebuild applies the same
// events again, so both always agree.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::choice {

namespace v1 = ::lov::choice::v1;

// Applies one event of the client's aggregate (version included).
void ApplyEvent(const v1::ChoiceEvent& event, v1::Client* client);

// INVALID_ARGUMENT naming the field and the rule: ids, known categories,
// positive minutes, real dates, and no decision that ends before it starts.
absl::Status ValidateDecision(const v1::Decision& decision,
                              const registry::v1::Municipality& municipality);

bool Covers(const v1::Assignment& a, const std::string& day);
bool HasCategory(const v1::Assignment& a, const std::string& category_id);

// The decision in force on `day`, or else the next one to start; nullptr
// if none.
const v1::Decision* DecisionFor(const v1::Client& client,
                                const std::string& day);

// The zone the client lives in on `day`: a move counts from its effective
// date, so a move recorded today for next month leaves the client in its
// old zone until then.
std::string ZoneOn(const v1::Client& client, const std::string& day);

// The client's granted minutes a month in `category_ids`, by the decision
// DecisionFor(`day`) finds (0 if none): what a provider serving the client
// in those categories has to give, counted against an hours cap.
int64_t GrantedMinutes(const v1::Client& client,
                       const std::vector<std::string>& category_ids,
                       const std::string& day);

// The assignment serving `category_id` on `day` or the latest one starting
// later (a pending re-choice); nullptr if none.
const v1::Assignment* CurrentAssignment(const v1::Client& client,
                                        const std::string& category_id,
                                        const std::string& day);

// Assignments that are still running on `day` or start later.
std::vector<const v1::Assignment*> AssignmentsFrom(const v1::Client& client,
                                                   const std::string& day);

const v1::RechoiceCase* OpenCase(const v1::Client& client);

// "YYYY-MM-DD" of the day before / after.
std::string DayBefore(const std::string& day);

// A client's capacity slot with one provider in one zone, as its
// assignments hold it: until the last day of its last assignment there
// (kOpenEnded while that runs open-ended), weighing the client's granted
// minutes a month in the categories the provider serves, by the decision
// for the latest of those assignments. `last_day` is -1 when every
// assignment there was cancelled before its first day: the slot is free.
struct HeldSlot {
  std::string provider_id;
  std::string zone_id;
  int64_t last_day = -1;
  int64_t minutes = 0;
};
// One per provider and zone the client was ever assigned to, in order.
std::vector<HeldSlot> HeldSlots(const v1::Client& client);

// Days since 1970-01-01: the score of a capacity slot; an open-ended slot
// scores kOpenEnded.
inline constexpr int64_t kOpenEnded = 100000000;
int64_t DayNumber(absl::CivilDay day);
int64_t DayNumber(const std::string& day);  // "" -> kOpenEnded

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_CLIENT_STATE_H_
