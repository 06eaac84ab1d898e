#include "lov/settlement/domain/one_off.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/money.h"
#include "lov/platform/requests.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

constexpr int kMaxGivenShares = 1000;
constexpr int64_t kMaxWeight = 1'000'000'000'000;

std::string RuleName(v1::OneOffRule rule) { return v1::OneOffRule_Name(rule); }

absl::Status ValidateGivenShares(const v1::CreateOneOffPaymentRequest& r) {
  const bool fixed = r.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS;
  if (r.given_shares().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "given_shares: ", RuleName(r.rule()), " needs one share per provider (",
        fixed ? "amount_ore" : "weight", ")"));
  }
  if (r.given_shares_size() > kMaxGivenShares) {
    return absl::InvalidArgumentError(
        absl::StrCat("given_shares: at most ", kMaxGivenShares, " providers"));
  }
  std::set<std::string> seen;
  int64_t sum = 0;
  for (int i = 0; i < r.given_shares_size(); ++i) {
    const v1::OneOffShare& s = r.given_shares(i);
    const std::string f = absl::StrCat("given_shares[", i, "]");
    if (s.provider_id().empty()) {
      return absl::InvalidArgumentError(f + ".provider_id: is required");
    }
    if (absl::Status p =
            RefusePersonnummer(f + ".provider_id", s.provider_id());
        !p.ok()) {
      return p;
    }
    if (!seen.insert(s.provider_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          f, ".provider_id: '", s.provider_id(), "' appears twice"));
    }
    if (fixed) {
      if (s.weight() != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            f,
            ".weight: leave empty with ONE_OFF_RULE_FIXED_AMOUNTS (give "
            "amount_ore)"));
      }
      if (s.amount_ore() <= 0 || s.amount_ore() > r.total_ore()) {
        return absl::InvalidArgumentError(
            absl::StrCat(f, ".amount_ore: must be from 1 to total_ore (",
                         r.total_ore(), ")"));
      }
      sum += s.amount_ore();
      if (sum > r.total_ore()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "given_shares: the amounts add up to more than total_ore (",
            r.total_ore(), " öre) by given_shares[", i, "]"));
      }
    } else {
      if (s.amount_ore() != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            f,
            ".amount_ore: leave empty with ONE_OFF_RULE_GIVEN_WEIGHTS (the "
            "amount is computed; give weight)"));
      }
      if (s.weight() <= 0 || s.weight() > kMaxWeight) {
        return absl::InvalidArgumentError(
            absl::StrCat(f, ".weight: must be from 1 to ", kMaxWeight));
      }
    }
  }
  if (fixed && sum != r.total_ore()) {
    return absl::InvalidArgumentError(
        absl::StrCat("given_shares: the amounts add up to ", sum,
                     " öre, not total_ore (", r.total_ore(), " öre)"));
  }
  return absl::OkStatus();
}

}  // namespace

bool SharesAreGiven(v1::OneOffRule rule) {
  return rule == v1::ONE_OFF_RULE_FIXED_AMOUNTS ||
         rule == v1::ONE_OFF_RULE_GIVEN_WEIGHTS;
}

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
  const v1::OneOffRule rule = request.rule();
  if (rule == v1::ONE_OFF_RULE_UNSPECIFIED || !v1::OneOffRule_IsValid(rule)) {
    return absl::InvalidArgumentError(
        "rule: must be ONE_OFF_RULE_PERFORMED_HOURS, "
        "ONE_OFF_RULE_LISTED_CLIENT_DAYS, ONE_OFF_RULE_FIXED_AMOUNTS or "
        "ONE_OFF_RULE_GIVEN_WEIGHTS");
  }
  if (SharesAreGiven(rule)) {
    if (absl::Status s = ValidateGivenShares(request); !s.ok()) return s;
    if (!request.basis_period().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("basis_period: leave empty with ", RuleName(rule),
                       " (the shares are given)"));
    }
  } else {
    if (!request.given_shares().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("given_shares: only with ONE_OFF_RULE_FIXED_AMOUNTS or "
                       "ONE_OFF_RULE_GIVEN_WEIGHTS, not ",
                       RuleName(rule)));
    }
    if (auto p = ParsePeriod(request.basis_period(), "basis_period"); !p.ok()) {
      return p.status();
    }
  }
  if (auto p = ParsePeriod(request.paid_in_period(), "paid_in_period");
      !p.ok()) {
    return p.status();
  }
  return absl::OkStatus();
}

int64_t ListedClientDays(const std::vector<choice::v1::Assignment>& assignments,
                         absl::CivilMonth month) {
  std::map<std::string, std::vector<DayRange>> by_client;
  for (const ClientDays& c :
       ListedDays(assignments, month, v1::LISTING_RULE_KIND_PRO_RATA_DAYS)) {
    auto& ranges = by_client[c.client_id];
    ranges.insert(ranges.end(), c.ranges.begin(), c.ranges.end());
  }
  int64_t days = 0;
  for (auto& [client, ranges] : by_client) {
    std::sort(
        ranges.begin(), ranges.end(),
        [](const DayRange& a, const DayRange& b) { return a.first < b.first; });
    // Count each day once across categories.
    absl::CivilDay counted_to = ranges.front().first - 1;
    for (const DayRange& r : ranges) {
      const absl::CivilDay from = std::max(r.first, counted_to + 1);
      if (r.last >= from) days += (r.last - from) + 1;
      counted_to = std::max(counted_to, r.last);
    }
  }
  return days;
}

absl::StatusOr<v1::OneOffPayment> AllocateOneOff(
    const v1::CreateOneOffPaymentRequest& request,
    const std::map<std::string, int64_t>& basis_by_provider) {
  if (absl::Status s = ValidateOneOff(request); !s.ok()) return s;
  std::map<std::string, int64_t> basis;
  if (SharesAreGiven(request.rule())) {
    for (const v1::OneOffShare& s : request.given_shares()) {
      basis[s.provider_id()] = request.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS
                                   ? s.amount_ore()
                                   : s.weight();
    }
  } else {
    basis = basis_by_provider;
  }
  std::vector<std::string> providers;
  std::vector<int64_t> weights;
  for (const auto& [provider, weight] : basis) {
    if (weight <= 0) continue;
    providers.push_back(provider);
    weights.push_back(weight);
  }
  if (providers.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "basis_period: no provider ",
        request.rule() == v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS
            ? "had any client listed"
            : "performed any hours",
        " in ", request.basis_period(), ", so there is nothing to share by"));
  }
  // Fixed amounts add up to the total (validated), so sharing the total in
  // proportion to them gives each exactly its amount.
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
