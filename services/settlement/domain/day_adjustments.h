#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_DAY_ADJUSTMENTS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_DAY_ADJUSTMENTS_H_

// What a locked period already pays, for the day models (per day of
// participation, per half day): a change of an approved month pays the
// difference of the client's days before and after it, so each correction
// needs the period's other paid visits of that client on its dates
// (Adjustment::paid_before). The approved statement paid the period's stored
// visits; every correction booked since, and every pending one ordered
// before, changed them.

#include <map>
#include <string>
#include <vector>

#include "lov/settlement/domain/statement.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

// By adjusted period, then each visit's changes in version order (a void
// after the version it takes out), then by adjustment id: the same
// corrections give the same order whatever order they were stored in.
void OrderAdjustments(std::vector<Adjustment>& adjustments);

// Fills `paid_before` of each of `pending` (in OrderAdjustments order).
// `approved_visits` by period: the visits its approved statement paid;
// `booked`: corrections already booked in approved statements, applied to
// them first (any order given).
void SetPaidBefore(const std::map<std::string, std::vector<visits::v1::Visit>>&
                       approved_visits,
                   std::vector<Adjustment> booked,
                   std::vector<Adjustment>& pending);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_DAY_ADJUSTMENTS_H_
