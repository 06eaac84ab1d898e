#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_

// Settlement periods are Stockholm calendar months, "YYYY-MM" (parsed by the
// platform's ParsePeriod); a statement is one provider's period.

#include <string>

#include "lov/platform/period.h"

namespace lov::settlement {

// "<provider_id>/<period>".
std::string StatementId(const std::string& provider_id,
                        const std::string& period);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_
