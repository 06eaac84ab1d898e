#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_EXPORT_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_EXPORT_H_

// A statement as files a finance system can import. Amounts are given both
// as integer öre (exact) and as kronor with two decimals and '.' as the
// decimal mark; text is UTF-8. The CSV has one row per line (RFC 4180
// quoting, CRLF line ends, a header row) followed by nothing else, so the
// totals are the sums of the amount column; the JSON has the header,
// the totals and the lines with their sources.

#include <string>

#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

std::string StatementCsv(const v1::Statement& statement);
std::string StatementJson(const v1::Statement& statement);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_EXPORT_H_
