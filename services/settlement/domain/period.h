#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_

// Settlement periods are Stockholm calendar months, written "YYYY-MM".

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace lov::settlement {

// Exactly "YYYY-MM" with a month 01-12; InvalidArgument naming `field`.
absl::StatusOr<absl::CivilMonth> ParsePeriod(std::string_view text,
                                             std::string_view field = "period");
std::string FormatPeriod(absl::CivilMonth month);

// "<provider_id>/<period>".
std::string StatementId(const std::string& provider_id,
                        const std::string& period);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_PERIOD_H_
