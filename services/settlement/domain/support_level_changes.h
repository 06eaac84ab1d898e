#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_CHANGES_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_CHANGES_H_

// Support levels changed after their month was approved (issue 18).
//
// An approved month's SUPPORT_LEVEL_DAY lines paid each client-day at the
// level the decisions named then. When a decision changes that level later
// (a revision from the 16th, or the whole decision changed), the next
// statement previewed pays the difference, as the corrections of visits
// are paid: for every day the approved month paid (its own lines, with the
// level adjustments approved since), the level the decisions name now
// (support_level_days.h: the decision in force that day, else the
// category's default) is compared with the level paid. A day whose level
// differs is taken out at the old level's day rate and paid at the new
// one's (the table in force on the adjusted month's 1st): ADJUSTMENT lines
// of kind SUPPORT_LEVEL_DAY with `adjusts_period` set, their sources the
// client's days ("-client:from..to" for the days taken out) and the new
// level's line naming the decision. Only the level of days already paid
// changes: days added to or taken from an assignment after the approval
// are not adjusted here.
//
// The lines are derived from the approved statements and the decisions
// alone, so the same events in any order, replayed or rebuilt from Kafka,
// give the same lines; once a statement with them is approved, the next
// one finds nothing left to adjust.

#include <vector>

#include "absl/status/status.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/statement_lines.h"

namespace lov::settlement {

// Adds the level adjustments of every month in `input.approved_before`
// (the provider's approved statements before `input.period`) to `lines`.
// FailedPrecondition, as for the month's own days, for a level now decided
// that the adjusted month's table has no day rate for, or a day left with
// no level.
absl::Status AddSupportLevelChanges(const StatementInput& input,
                                    internal::Lines& lines);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_CHANGES_H_
