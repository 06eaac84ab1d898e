#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_MONTH_INPUTS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_MONTH_INPUTS_H_

// What an approved statement was computed from, and what that means for a
// visit change that settlement applies after (or before) the approval.
//
// A statement pays the visits of its month as they were when it was
// computed. A change of one of them made after that moment is an adjustment
// of the locked month; one made before is in the statement. Settlement reads
// the visits topic and its own topic in no fixed order across each other (a
// live projection racing the approval, a rebuild replaying topic by topic),
// so it cannot tell the two apart by the order it sees them in. The approval
// therefore records the state of every visit of the month it saw
// (MonthInputs), and a change is judged against that record: the same
// events give the same visits and adjustments in any order.
//
// Versions order the states of one visit in a month: present at version k,
// then gone after k (voided, or moved to another month by version k), then
// present at k+1, and so on.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

struct VisitState {
  int64_t version = 0;
  bool present = true;  // false: gone from the month after `version`

  // Position in the order of states above.
  int64_t Ordinal() const { return version * 2 + (present ? 0 : 1); }
  bool operator==(const VisitState&) const = default;
};

// By visit id.
using MonthInputs = std::map<std::string, VisitState>;

// "<visit_id>@<version>" or "<visit_id>@<version>:gone", sorted by id.
std::vector<std::string> FormatMonthInputs(const MonthInputs& inputs);
// InvalidArgument naming the entry that is not in that form.
absl::StatusOr<MonthInputs> ParseMonthInputs(
    const std::vector<std::string>& entries);

// The state the event leaves its visit in, in the month the visit was in
// before it (`home`); nullopt for events that pay nothing (rejections).
std::optional<VisitState> StateAfter(const visits::v1::VisitEvent& event,
                                     const std::string& home);
// The month the visit was in before the event ("" for rejections).
std::string HomeOf(const visits::v1::VisitEvent& event);

// The inputs of a statement computed from `visits` (the month's visits as
// read), with `month_events` (the visit events applied to `period` so far)
// telling which visits the month had and lost.
MonthInputs InputsOf(const std::vector<visits::v1::Visit>& visits,
                     const std::vector<visits::v1::VisitEvent>& month_events,
                     const std::string& period);

// True when the statement computed from `inputs` already counts what
// `event` did to its visit in `period` (the event's home).
bool Counted(const MonthInputs& inputs, const visits::v1::VisitEvent& event,
             const std::string& period);

// What to do, once `period` is approved with `inputs`, about the visit
// events applied to it as ordinary changes (`month_events`).
struct Reconciliation {
  // Changes the statement did not count: each becomes an adjustment of
  // `period` (in version order per visit).
  std::vector<visits::v1::VisitEvent> adjustments;
  // The month's visits put back to the version the statement paid.
  std::vector<visits::v1::Visit> restore;
  // Ids of visits the month did not have when the statement was computed.
  std::vector<std::string> remove;
  // Versions an uncounted change moved to another month: taken out of that
  // month if it still holds exactly this version.
  std::vector<visits::v1::Visit> remove_elsewhere;
  // Paid versions ("<id>@<version>") that no event of the month holds (the
  // month's visit stays as it is; reported, never expected).
  std::vector<std::string> unresolved;
};
Reconciliation Reconcile(
    const MonthInputs& inputs,
    const std::vector<visits::v1::VisitEvent>& month_events,
    const std::string& period);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_MONTH_INPUTS_H_
