#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_

// One-off payments (engångsersättning) shared among providers by a rule:
// e.g. Norrtälje's 5 MSEK transition support by hours performed in a
// period, by listed clients, by fixed amounts per provider, or by a table
// of weights the committee decided.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// InvalidArgument naming the field: a payment id, a positive total, a rule,
// paid_in_period; basis_period for the hours and client-days rules;
// given_shares (each provider once, positive, and for fixed amounts adding
// up to total_ore) for exactly the fixed and given-weight rules.
absl::Status ValidateOneOff(const v1::CreateOneOffPaymentRequest& request);

// True for the rules whose shares come from the request alone.
bool SharesAreGiven(v1::OneOffRule rule);

// Client-days the provider had clients listed in `month`: a client listed
// on a day counts once whatever the categories or overlapping assignments.
int64_t ListedClientDays(const std::vector<choice::v1::Assignment>& assignments,
                         absl::CivilMonth month);

// The payment with its shares, ordered by provider id. PERFORMED_HOURS and
// LISTED_CLIENT_DAYS share by `basis_by_provider` (performed seconds or
// client-days in the basis period; FailedPrecondition if nobody has any);
// GIVEN_WEIGHTS by the given weights; both with Money::Allocate, so the
// shares add up to the total exactly: each provider gets the truncated
// share, the öre left over go one each to the largest remainders, ties to
// the provider id that sorts first. Providers with no weight get no share.
// FIXED_AMOUNTS pays the given amounts as they are.
absl::StatusOr<v1::OneOffPayment> AllocateOneOff(
    const v1::CreateOneOffPaymentRequest& request,
    const std::map<std::string, int64_t>& basis_by_provider);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_ONE_OFF_H_
