#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_FEE_BASIS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_FEE_BASIS_H_

// The client fee basis (avgiftsunderlag): performed hours per client and
// month, the input to the municipality's client fee system. Made of the
// visits a statement paid: each performed visit counts its performed
// seconds (end - start) for its client and category, as the statement's
// performed_seconds does, so the rows add up to it. Client ids only.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

// The fee basis of one provider's month from the visits of its statement;
// rows by client_id, then category_id; visits not performed count nothing.
// INVALID_ARGUMENT if a client id is a personal identity number.
absl::StatusOr<v1::ClientFeeBasis> FeeBasisOf(
    const std::string& statement_id, const std::string& provider_id,
    const std::string& period, const std::vector<visits::v1::Visit>& visits);

// The month's fee basis of every provider as CSV (RFC 4180, CRLF, a header
// row): period, client_id, provider_id, category_id, performed_seconds,
// hours (two decimals, rounded half up), visits. Rows by client, provider,
// category.
std::string FeeBasisCsv(const std::vector<v1::ClientFeeBasis>& bases);

// The most client rows one FeeBasisRecorded part carries (a row is about
// 60 bytes: a part stays under about 25 KB whatever the month's size).
inline constexpr int kFeeBasisPartRows = 400;

// `basis` in parts of at most `rows_per_part` rows, numbered 1..n, each
// with the statement, provider, period and the whole performed_seconds;
// a basis without rows is one part without rows (the approval always says
// where its fee basis is).
std::vector<v1::FeeBasisRecorded> SplitFeeBasis(const v1::ClientFeeBasis& basis,
                                                int rows_per_part);

// The parts joined back into the basis; FAILED_PRECONDITION when a part is
// missing, repeated, of another statement or says another count.
absl::StatusOr<v1::ClientFeeBasis> JoinFeeBasis(
    const std::vector<v1::FeeBasisRecorded>& parts);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_FEE_BASIS_H_
