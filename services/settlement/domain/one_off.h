#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_

// One-off payments shared among providers by a rule, e.g. Norrtälje's
// 5 MSEK transition support in proportion to hours performed in a period.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// InvalidArgument naming the field.
absl::Status ValidateOneOff(const v1::CreateOneOffPaymentRequest& request);

// Shares the total by the weights (performed seconds per provider in the
// basis period) with Money::Allocate: the shares add up to the total
// exactly, leftover öre go to the largest remainders, ties to the provider
// id that sorts first. Providers with no weight get no share;
// FailedPrecondition if nobody has any.
absl::StatusOr<v1::OneOffPayment> AllocateOneOff(
    const v1::CreateOneOffPaymentRequest& request,
    const std::map<std::string, int64_t>& seconds_by_provider);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_
