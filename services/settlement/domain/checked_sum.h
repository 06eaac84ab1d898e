#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_CHECKED_SUM_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_CHECKED_SUM_H_

// Sums of öre that refuse to wrap: a statement's lines into its net, VAT
// and total, and statements into a file's control sum. Line amounts come
// from rates, quantities and one-off payments given in requests and events,
// so a sum outside int64 öre is refused with an error naming what was being
// added up, never paid wrapped around (signed overflow is undefined
// behaviour besides).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "lov/platform/money.h"

namespace lov::settlement {

// *sum += amount; OutOfRange naming `what` (e.g. "statement prv-a/2024-01:
// net") and both addends if the sum leaves int64 öre, *sum unchanged.
absl::Status AddOre(int64_t amount, int64_t* sum, const std::string& what);
absl::Status AddMoney(Money amount, Money* sum, const std::string& what);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_CHECKED_SUM_H_
