#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_FOLLOW_UP_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_FOLLOW_UP_H_

// Cost follow-up for controllers: net amounts per provider, zone and
// category for a period, beside the same period a year earlier (Norrtälje
// compared 2024 with 2023), and the share of performed hours delivered by
// private providers versus in-house (egen regi).
//
// Amounts are net (before VAT). Hours per zone and category come from the
// performed-time lines; hours per provider and the private share from each
// statement's performed seconds, whatever the payment model.

#include <vector>

#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

v1::FollowUp BuildFollowUp(const std::string& period,
                           const std::string& year_earlier_period,
                           const std::vector<v1::Statement>& current,
                           const std::vector<v1::Statement>& year_earlier);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_FOLLOW_UP_H_
