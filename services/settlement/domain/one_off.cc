#include "lov/settlement/domain/one_off.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/money.h"
#include "lov/platform/requests.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {

absl::Status ValidateOneOff(const v1::CreateOneOffPaymentRequest& request) {
  if (request.payment_id().empty()) {
    return absl::InvalidArgumentError("payment_id: is required");
  }
  // The description goes into the payment's event and the export files.
  if (absl::Status s =
          RefusePersonnummerIn(request, {"payment_id", "description"});
      !s.ok()) {
    return s;
  }
  if (request.total_ore() <= 0) {
    return absl::InvalidArgumentError("total_ore: must be positive");
  }
  if (request.rule() != v1::ONE_OFF_RULE_PERFORMED_HOURS) {
    return absl::InvalidArgumentError(
        "rule: must be ONE_OFF_RULE_PERFORMED_HOURS (the only rule so far)");
  }
  if (auto p = ParsePeriod(request.basis_period(), "basis_period"); !p.ok()) {
    return p.status();
  }
  if (auto p = ParsePeriod(request.paid_in_period(), "paid_in_period");
      !p.ok()) {
    return p.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::OneOffPayment> AllocateOneOff(
    const v1::CreateOneOffPaymentRequest& request,
    const std::map<std::string, int64_t>& seconds_by_provider) {
  if (absl::Status s = ValidateOneOff(request); !s.ok()) return s;
  std::vector<std::string> providers;
  std::vector<int64_t> weights;
  for (const auto& [provider, seconds] : seconds_by_provider) {
    if (seconds <= 0) continue;
    providers.push_back(provider);
    weights.push_back(seconds);
  }
  if (providers.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "basis_period: no provider performed any hours in ",
        request.basis_period(), ", so there is nothing to share by"));
  }
  const absl::StatusOr<std::vector<Money>> parts =
      Money::Allocate(Money::FromOre(request.total_ore()), weights);
  if (!parts.ok()) return parts.status();
  v1::OneOffPayment payment;
  payment.set_payment_id(request.payment_id());
  payment.set_description(request.description());
  payment.set_total_ore(request.total_ore());
  payment.set_rule(request.rule());
  payment.set_basis_period(request.basis_period());
  payment.set_paid_in_period(request.paid_in_period());
  for (size_t i = 0; i < providers.size(); ++i) {
    v1::OneOffShare* share = payment.add_shares();
    share->set_provider_id(providers[i]);
    share->set_weight(weights[i]);
    share->set_amount_ore((*parts)[i].ore());
  }
  return payment;
}

}  // namespace lov::settlement
