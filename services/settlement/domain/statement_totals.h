#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TOTALS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TOTALS_H_

// The second half of BuildStatement (statement.h): the summed lines written
// out, each rounded once by LineAmount, one VAT line per category with VAT,
// and the statement's net, VAT, total and digest. statement.cc prices the
// month into lines; statement_totals.cc rounds and adds them up.

#include "absl/status/status.h"
#include "lov/settlement/domain/statement_lines.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement::internal {

// Writes `lines` to `statement` in the order of their keys, then its VAT
// lines by `month_table` (the table in force on the 1st; none: no VAT), and
// sets net_ore, vat_ore, total_ore and the digest. OutOfRange names the
// statement if a line or a sum does not fit in 64-bit öre.
absl::Status WriteLinesAndTotals(const v1::RateTable* month_table, Lines& lines,
                                 v1::Statement& statement);

}  // namespace lov::settlement::internal

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TOTALS_H_
