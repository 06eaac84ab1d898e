#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_DAYS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_DAYS_H_

// Days by support level (PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL, dagar per
// stödnivå): a client's assigned days in the category, each at the day rate
// of the client's support level that day.
//
// The level on a day is the one the decision in force that day names for
// the category (GrantedCategory.support_level; overlapping decisions: the
// latest valid_from wins, as for granted time), so a decision that changes
// the level from the 16th pays the new level from the 16th. When that
// decision names no level, or no decision grants the category that day,
// the category's own support_level in the rate table is the default (what
// every day was paid at before decisions carried levels). A day with
// neither, and a level the table has no day rate for, is an error naming
// the client, the category and the level or day, never 0 kr.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// A client's days at one support level in the month.
struct SupportLevelDays {
  std::string level;
  int64_t per_day_ore = 0;  // the level's day rate for the provider's kind
  ClientDays days;          // the days at this level (ranges and count)
};

// `assigned`: the client's days with the provider in `rate`'s category
// (ListedDays, pro rata); `decisions`: the client's; `table`: the one in
// force on the period's first day. Ordered by level. FailedPrecondition
// for a level without a day rate or a day without a level.
absl::StatusOr<std::vector<SupportLevelDays>> DaysBySupportLevel(
    const ClientDays& assigned,
    const std::vector<choice::v1::Decision>& decisions,
    const v1::CategoryRate& rate, const v1::RateTable& table, bool in_house);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_SUPPORT_LEVEL_DAYS_H_
