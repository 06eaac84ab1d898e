#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_LISTING_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_LISTING_H_

// Which days of a month a client counts as listed with a provider
// (listningsersättning), and the granted time behind the granted-hours
// model (beviljad tid).
//
// Mid-month changes follow the municipality's rule:
//  - PRO_RATA_DAYS: each provider is paid for the days the client was
//    assigned to it; the fee is fee x days / days in month.
//  - PROVIDER_ON_15TH: the provider the client is assigned to on the 15th
//    is paid the whole month (counted as every day of the month), the
//    others nothing.

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;  // inclusive
};

// A client's listed days with one provider in one category and month.
struct ClientDays {
  std::string client_id;
  std::string category_id;
  std::string zone_id;           // of the latest assignment in the month
  std::vector<DayRange> ranges;  // the assignment days behind the count
  int64_t days = 0;  // the days paid for (whole month under the 15th rule)
};

// `assignments` are the provider's; unparseable dates make an assignment
// count for nothing (they are validated upstream). Ordered by client, then
// category.
std::vector<ClientDays> ListedDays(
    const std::vector<choice::v1::Assignment>& assignments,
    absl::CivilMonth month, v1::ListingRuleKind rule);

// A decision's grant of one category, over the days the decision is valid.
struct Grant {
  DayRange range;
  const choice::v1::Decision* decision = nullptr;
  const choice::v1::GrantedCategory* granted = nullptr;
};

// The grants of `category_id` in `decisions` (which must outlive them), by
// valid_from; decisions with unparseable dates are left out (they are
// validated upstream).
std::vector<Grant> GrantsOf(const std::vector<choice::v1::Decision>& decisions,
                            const std::string& category_id);
// The grant in force on `day` (overlapping decisions: the one with the
// latest valid_from wins), or nullptr.
const Grant* GrantOn(const std::vector<Grant>& grants, absl::CivilDay day);

// Sum over the listed days of the minutes per month granted in `category_id`
// by the decision valid that day (GrantOn), in seconds: granted time for the
// month is this / (3600 x days in month) hours.
int64_t GrantedSecondsTimesDays(
    const ClientDays& listed,
    const std::vector<choice::v1::Decision>& decisions);

// "client_id:YYYY-MM-DD..YYYY-MM-DD" per range.
std::vector<std::string> DescribeDays(const ClientDays& listed);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_LISTING_H_
