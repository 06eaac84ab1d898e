#ifndef LOV_SERVICES_SETTLEMENT_BATCH_PORTS_H_
#define LOV_SERVICES_SETTLEMENT_BATCH_PORTS_H_

// What the projector needs to apply a batch of visit and choice events in a
// few round trips instead of several per event (Projector::ApplyBatch): the
// facts each event is judged on, read for all of them at once, and the
// writes of all of them, made at once. The same reads and writes as the
// SettlementStore methods named here, so a store without round trips to
// save can answer them one call each (OneCallEach).

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/ports.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

// One write of a batch: what the SettlementStore method of the same name
// writes.
namespace store_write {
struct PutVisit {
  visits::v1::Visit visit;
};
struct RemoveVisit {
  std::string provider_id, period, visit_id;
};
struct PutAdjustment {
  std::string provider_id;
  visits::v1::VisitEvent event;
};
struct LogVisitEvent {
  std::string provider_id, period;
  visits::v1::VisitEvent event;
};
struct MarkVisitEventApplied {
  std::string provider_id, period, event_id;
};
struct PutAssignment {
  choice::v1::Assignment assignment;
};
struct PutDecision {
  std::string client_id;
  choice::v1::Decision decision;
};
}  // namespace store_write

using StoreWrite =
    std::variant<store_write::PutVisit, store_write::RemoveVisit,
                 store_write::PutAdjustment, store_write::LogVisitEvent,
                 store_write::MarkVisitEventApplied, store_write::PutAssignment,
                 store_write::PutDecision>;

// A visit event about to be applied: its visit and the period the visit was
// in before it (`home`, HomeOf).
struct VisitEventQuestion {
  std::string provider_id;
  std::string home;
  std::string event_id;
  std::string visit_id;
  // The period the event puts the visit in; "" when it voids it.
  std::string current_period;
};

// What the projector judges that event on.
struct VisitEventFacts {
  bool applied = false;                 // VisitEventApplied(provider, home, id)
  SettlementStore::InputLookup inputs;  // ApprovedInputs(provider, home, {id})
  bool home_approved = false;           // IsApproved(provider, home)
  bool current_approved = false;        // IsApproved(provider, current_period)
};

class ProjectionBatchStore {
 public:
  virtual ~ProjectionBatchStore() = default;
  // One answer per question, in order.
  virtual absl::StatusOr<std::vector<VisitEventFacts>> VisitEventFactsOf(
      const std::vector<VisitEventQuestion>& questions) = 0;
  // Per (provider, period): whether approved inputs are recorded for it
  // (ApprovedInputs' `recorded`).
  virtual absl::StatusOr<std::vector<bool>> InputsRecorded(
      const std::vector<std::pair<std::string, std::string>>& months) = 0;
  // Leaves the state as the writes made one after another in order would.
  // The marks (MarkVisitEventApplied) are written after everything else and
  // all at once, so that a batch cut short never marks an event whose
  // changes (or an earlier event's) are missing: applying the same events
  // again then completes it.
  virtual absl::Status ApplyWrites(const std::vector<StoreWrite>& writes) = 0;
};

// The batch reads and writes as one call each of `store`'s methods.
std::unique_ptr<ProjectionBatchStore> OneCallEach(SettlementStore* store);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_BATCH_PORTS_H_
