#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_SIE4_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_SIE4_H_

// The month's approved statements as an SIE 4 file (SIE typ 4, "#FORMAT
// PC8": IBM code page 437, CRLF line ends) for the municipality's books.
// One verification (#VER, series "LOV", numbered from 1 in statement id
// order, dated the period's last day) per statement with a non-zero line:
//   debit  the cost account of each category: the sum of its non-VAT lines
//          (one-off shares and categories without an account of their own:
//          the default cost account),
//   debit  the VAT account: the sum of the VAT lines,
//   credit the supplier debt account: the statement total,
// so every verification balances to the öre. A statement with a negative
// total (a credit month: late voids of an approved month) is booked as a
// supplier's credit note (kreditfaktura) with the same rows: the debt
// account is debited with the municipality's claim on the provider (set off
// against its next payment), the VAT and cost accounts credited with what
// is taken back. Amounts are kronor with two decimals from integer öre.
// The fiscal year (#RAR 0) is the period's calendar year.
// docs/settlement.md has a sample.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

inline constexpr char kDefaultCostAccount[] = "4600";
inline constexpr char kDefaultVatAccount[] = "2640";
inline constexpr char kDefaultSupplierDebtAccount[] = "2440";

// The chart with its empty fields set to the defaults; INVALID_ARGUMENT
// naming the field when an account is not 4 digits (1000-9999), a category
// is named twice or without an id, or the VAT or supplier debt account is
// also a cost account.
absl::StatusOr<v1::BookkeepingChart> ResolveChart(
    const v1::BookkeepingChart& chart);

// INVALID_ARGUMENT naming the field unless `party` has a name and an
// organisation number "NNNNNN-NNNN" (`what` prefixes the field names).
absl::Status ValidateFinanceParty(const v1::FinanceParty& party,
                                  std::string_view what);

struct SieBooks {
  v1::FinanceParty municipality;
  v1::BookkeepingChart chart;  // as ResolveChart returns it
  absl::CivilDay generated_on;
};

// The file's bytes (CP437). `statements` are the period's approved ones;
// FAILED_PRECONDITION if one is not approved, is of another period, or its
// lines do not add up to its net, VAT and total.
absl::StatusOr<std::string> MonthSie4(
    const std::string& period, const SieBooks& books,
    const std::vector<v1::Statement>& statements);

// UTF-8 text in code page 437; a character it lacks (or a byte that is not
// UTF-8) becomes '?'.
std::string Cp437(std::string_view utf8);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_SIE4_H_
