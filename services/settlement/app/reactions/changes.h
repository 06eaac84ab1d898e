#ifndef LOV_SERVICES_SETTLEMENT_APP_REACTIONS_CHANGES_H_
#define LOV_SERVICES_SETTLEMENT_APP_REACTIONS_CHANGES_H_

// What visit and choice events change, for the projector (one event at a
// time, or a batch).

#include <optional>
#include <string>
#include <vector>

#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/batch_ports.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

struct VisitChange {
  const visits::v1::Visit* current = nullptr;   // after it; null if voided
  const visits::v1::Visit* previous = nullptr;  // before it; null if new
  std::string period;   // the period the event puts the visit in
  std::string adjusts;  // the locked period named by the visits service
};

// nullopt for events that pay nothing (rejected reports).
std::optional<VisitChange> ChangeOf(const visits::v1::VisitEvent& event);

// The event kept as an adjustment of the locked period `adjusts`.
visits::v1::VisitEvent AsAdjustment(visits::v1::VisitEvent kept,
                                    const std::string& adjusts);

// Whether moving the visit to its version after the change takes it out of
// the previous one's period first (voided, or moved to another period).
inline bool LeavesPreviousPeriod(const VisitChange& change) {
  return change.previous != nullptr &&
         (change.current == nullptr ||
          change.previous->period() != change.current->period());
}

// The writes that move the visit to the version and period the change gives
// it (none for the previous version when it stays in the same period).
void AddMoveWrites(const VisitChange& change, std::vector<StoreWrite>* writes);

// The writes a choice event makes (none for those settlement ignores).
void AddChoiceWrites(const choice::v1::ChoiceEvent& event,
                     std::vector<StoreWrite>* writes);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_REACTIONS_CHANGES_H_
