#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_FINANCE_SETTINGS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_FINANCE_SETTINGS_H_

// The municipality's finance settings as stored rulebook data
// (SetFinanceSettings): who it is in the finance files, the account it pays
// from and its chart of accounts. Checked once when set, so every export
// made with them can rely on them:
//   municipality.name            required, at most 70 characters;
//   municipality.organisation_number
//                                a legal person's organisation number,
//                                "NNNNNN-NNNN" or 10 digits, check digit;
//   municipality.bankgiro / .plusgiro
//                                exactly one, with its check digit
//                                (bankgiro 7-8 digits, plusgiro 2-8);
//   municipality.bic             empty, or 8 or 11 characters;
//   chart                        4-digit accounts (ResolveChart);
//   buyer.peppol_id              empty, or "ICD:identifier" (ICD 0007: an
//                                organisation number with check digit).
// Errors are INVALID_ARGUMENT naming the field and the rule.

#include "absl/status/statusor.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// The settings as stored: numbers in their written form ("NNNNNN-NNNN",
// bankgiro "NNNN-NNNN", plusgiro "NNNNNN-N"), the chart with its defaults
// filled in, the buyer's name and organisation number the municipality's;
// version, changed_at and changed_by cleared (the caller sets them).
absl::StatusOr<v1::FinanceSettings> NormalizeFinanceSettings(
    const v1::FinanceSettings& settings);

// True when `a` and `b` say the same, whatever their versions.
bool SameFinanceSettings(const v1::FinanceSettings& a,
                         const v1::FinanceSettings& b);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_FINANCE_SETTINGS_H_
