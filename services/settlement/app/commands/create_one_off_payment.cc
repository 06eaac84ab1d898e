// The municipality pays a one-off sum (engångsersättning), e.g. transition
// support, shared among the providers by a rule (performed hours or listed
// client-days in a basis period, fixed amounts, or a table of weights) and
// paid in an open period.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/one_off.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// For the rules with given shares: whether the stored payment was made
// from the same ones (each share's weight is the given weight or amount).
bool SameGivenShares(const v1::OneOffPayment& payment,
                     const v1::CreateOneOffPaymentRequest& request) {
  if (!SharesAreGiven(request.rule())) return true;
  std::map<std::string, int64_t> given;
  for (const v1::OneOffShare& s : request.given_shares()) {
    given[s.provider_id()] = request.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS
                                 ? s.amount_ore()
                                 : s.weight();
  }
  std::map<std::string, int64_t> stored;
  for (const v1::OneOffShare& s : payment.shares()) {
    stored[s.provider_id()] = s.weight();
  }
  return given == stored;
}

// The payment already stored under the request's id (a retry); AlreadyExists
// if the id was used for a different payment.
absl::StatusOr<std::optional<v1::OneOffPayment>> SamePaymentId(
    SettlementStore* store, const v1::CreateOneOffPaymentRequest& request) {
  absl::StatusOr<std::vector<v1::OneOffPayment>> existing = store->OneOffs();
  if (!existing.ok()) return existing.status();
  for (const v1::OneOffPayment& p : *existing) {
    if (p.payment_id() != request.payment_id()) continue;
    if (p.total_ore() == request.total_ore() &&
        p.basis_period() == request.basis_period() &&
        p.paid_in_period() == request.paid_in_period() &&
        p.rule() == request.rule() && SameGivenShares(p, request)) {
      return p;
    }
    return absl::AlreadyExistsError(
        absl::StrCat("payment_id: '", request.payment_id(),
                     "' is already used for a different payment"));
  }
  return std::nullopt;
}

// Seconds performed in `period`, by every provider known from any input.
absl::StatusOr<std::map<std::string, int64_t>> PerformedByProvider(
    SettlementStore* store, const std::string& period) {
  absl::StatusOr<std::vector<std::string>> providers = store->Providers();
  if (!providers.ok()) return providers.status();
  std::map<std::string, int64_t> seconds;
  for (const std::string& provider : *providers) {
    absl::StatusOr<std::vector<visits::v1::Visit>> visits =
        store->Visits(provider, period);
    if (!visits.ok()) return visits.status();
    for (const auto& v : *visits) seconds[provider] += PerformedSeconds(v);
  }
  return seconds;
}

// Client-days listed in `period`, by every provider known from any input.
absl::StatusOr<std::map<std::string, int64_t>> ListedByProvider(
    SettlementStore* store, const std::string& period) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(period);
  if (!month.ok()) return month.status();
  absl::StatusOr<std::vector<std::string>> providers = store->Providers();
  if (!providers.ok()) return providers.status();
  std::map<std::string, int64_t> days;
  for (const std::string& provider : *providers) {
    absl::StatusOr<std::vector<choice::v1::Assignment>> assignments =
        store->Assignments(provider);
    if (!assignments.ok()) return assignments.status();
    days[provider] = ListedClientDays(*assignments, *month);
  }
  return days;
}

// What the rule shares by; FailedPrecondition if a given share names a
// provider settlement does not know.
absl::StatusOr<std::map<std::string, int64_t>> Basis(
    SettlementStore* store, const v1::CreateOneOffPaymentRequest& request) {
  switch (request.rule()) {
    case v1::ONE_OFF_RULE_PERFORMED_HOURS:
      return PerformedByProvider(store, request.basis_period());
    case v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS:
      return ListedByProvider(store, request.basis_period());
    default:
      break;
  }
  absl::StatusOr<std::vector<std::string>> providers = store->Providers();
  if (!providers.ok()) return providers.status();
  const std::set<std::string> known(providers->begin(), providers->end());
  for (int i = 0; i < request.given_shares_size(); ++i) {
    const std::string& id = request.given_shares(i).provider_id();
    if (!known.count(id)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "given_shares[", i, "].provider_id: '", id,
          "' is not a provider settlement knows (none of its visits, "
          "assignments or registry events has arrived)"));
    }
  }
  return std::map<std::string, int64_t>();
}

// FailedPrecondition if any share would fall in a statement already
// approved.
absl::Status RequireOpenForEveryShare(SettlementStore* store,
                                      const v1::OneOffPayment& payment) {
  for (const v1::OneOffShare& share : payment.shares()) {
    absl::StatusOr<bool> locked =
        store->IsApproved(share.provider_id(), payment.paid_in_period());
    if (!locked.ok()) return locked.status();
    if (*locked) {
      return absl::FailedPreconditionError(absl::StrCat(
          "paid_in_period: ", payment.paid_in_period(),
          " is already approved for provider '", share.provider_id(),
          "'; pay the one-off in an open period"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::OneOffPayment> SettlementApp::CreateOneOffPayment(
    const v1::CreateOneOffPaymentRequest& request) {
  if (absl::Status s = ValidateOneOff(request); !s.ok()) return s;
  const std::string aggregate = "one-off/" + request.payment_id();
  return RunCommand<v1::OneOffPayment>(
      aggregate, [&]() -> absl::StatusOr<Decided<v1::OneOffPayment>> {
        absl::StatusOr<std::optional<v1::OneOffPayment>> same =
            SamePaymentId(store_, request);
        if (!same.ok()) return same.status();
        if (same->has_value()) return Decided<v1::OneOffPayment>({}, **same);
        absl::StatusOr<std::map<std::string, int64_t>> basis =
            Basis(store_, request);
        if (!basis.ok()) return basis.status();
        absl::StatusOr<v1::OneOffPayment> payment =
            AllocateOneOff(request, *basis);
        if (!payment.ok()) return payment.status();
        if (absl::Status s = RequireOpenForEveryShare(store_, *payment);
            !s.ok()) {
          return s;
        }
        absl::StatusOr<Event> event = NextEvent(aggregate);
        if (!event.ok()) return event.status();
        *event->mutable_one_off_payment_allocated()->mutable_payment() =
            *payment;
        return Decided<v1::OneOffPayment>({std::move(*event)}, *payment);
      });
}

}  // namespace lov::settlement
