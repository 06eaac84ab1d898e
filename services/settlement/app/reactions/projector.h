#ifndef LOV_SERVICES_SETTLEMENT_APP_REACTIONS_PROJECTOR_H_
#define LOV_SERVICES_SETTLEMENT_APP_REACTIONS_PROJECTOR_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lov/choice/v1/events.pb.h"
#include "lov/platform/kafka.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/batch_ports.h"
#include "lov/settlement/ports.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

// Settlement's reaction to events: keeps its inputs in step with the
// registry, choice and visits topics, and its own records with its own topic
// (the write path applies its own events here too). Every apply is idempotent
// (a redelivered or replayed event changes nothing the second time).
//
// Visits: the latest version of each visit counts in the period the visits
// service gave it. A correction or void that names `adjusts_period` (the
// visits service saw the period locked), or whose period settlement has
// already approved for that provider, is kept as an adjustment instead: the
// next statement previewed after the locked period books the difference.
class Projector {
 public:
  // `batch`: the batch reads and writes of ApplyBatch; one call each of
  // `store`'s methods when null.
  explicit Projector(SettlementStore* store,
                     ProjectionBatchStore* batch = nullptr)
      : store_(store),
        own_batch_(batch == nullptr ? OneCallEach(store) : nullptr),
        batch_(batch == nullptr ? own_batch_.get() : batch) {}

  // Dispatches on the topic's base name (after any namespace prefix).
  absl::Status Apply(const CloudEvent& event);
  // The same as Apply on each event in order (a BatchEventHandler): the
  // visit and choice events between two others are judged on facts read for
  // all of them at once and written at once (projector_batch.cc); the
  // others are applied one by one in between.
  absl::Status ApplyBatch(const std::vector<CloudEvent>& events);

  absl::Status ApplyVisitEvent(const visits::v1::VisitEvent& event);
  absl::Status ApplyChoiceEvent(const choice::v1::ChoiceEvent& event);
  absl::Status ApplyRegistryEvent(const registry::v1::RegistryEvent& event);
  absl::Status ApplySettlementEvent(const v1::SettlementEvent& event);

 private:
  // The locked period a visit event corrects, "" when it counts in its own
  // period: the one the visits service named (`adjusts`), unless the
  // approved statement already pays this version, or else the visit's
  // period before the event (`home`) if settlement has approved it since.
  absl::StatusOr<std::string> CorrectedPeriod(const visits::v1::Visit* current,
                                              const std::string& provider_id,
                                              std::string adjusts,
                                              const std::string& home);
  // True when the approved statement of the visit's period already pays this
  // version of the visit: a replay that read the approval before the visit.
  absl::StatusOr<bool> PaidByApprovedStatement(const visits::v1::Visit& visit);

  // Every approval is applied twice: by the command that published it and
  // by the projection consuming it, each after its own copy of the sources
  // parts. Whichever comes second may find the parts already dropped (or
  // only those put back since): the approval is then already stored.
  absl::Status ApplyApproval(const v1::StatementApproved& approved);
  // OK when the statement is already approved (after dropping any parts
  // put back since), else `join_error`.
  absl::Status AlreadyApproved(const v1::StatementApproved& approved,
                               const absl::Status& join_error);

  // Once `period` is approved: the visit changes applied to it as ordinary
  // changes that its statement did not count become adjustments, and its
  // visits go back to the versions paid (month_inputs.h). The inputs are
  // read from the store when `inputs` is null. Idempotent.
  absl::Status ReconcileMonth(const std::string& provider_id,
                              const std::string& period,
                              const MonthInputs* inputs);

  // The debug line that ties a visit event, in the current trace (the
  // event's, trace_context.h), to the provider month it was applied to, as
  // an ordinary change or as an adjustment of a locked month.
  static void LogVisitApplied(const visits::v1::VisitEvent& event,
                              const std::string& provider_id,
                              const std::string& period, bool adjustment);

  // ApplyBatch's visit and choice events, parsed; null for any other.
  struct Batched;
  absl::Status ApplyRun(const std::vector<Batched>& run);

  SettlementStore* store_;
  std::unique_ptr<ProjectionBatchStore> own_batch_;
  ProjectionBatchStore* batch_;
  // Sources ("<visit id>@<version>") of approved statements, by
  // "<provider>/<period>", loaded on first use.
  std::mutex mu_;
  std::map<std::string, std::set<std::string>> approved_sources_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_REACTIONS_PROJECTOR_H_
