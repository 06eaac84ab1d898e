#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_SOURCES_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_SOURCES_H_

// An approved statement travels as events of bounded size: the lines
// without their sources in StatementApproved, and the sources in parts
// (StatementSourcesRecorded) of at most a given size each.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// Default size of the source text in one part: far below Kafka's default
// 1 MB message limit.
inline constexpr size_t kSourcesPartBytes = 512 * 1024;

struct SplitStatement {
  v1::Statement lines;  // the statement with every line's sources cleared
  std::vector<v1::StatementSourcesRecorded> parts;  // empty: no sources
};

// Splits `statement`'s sources, then `visit_versions` (the month's inputs,
// see month_inputs.h), into parts holding at most `part_bytes` of text each
// (a single entry longer than that gets a part of its own), in order.
SplitStatement SplitSources(
    const v1::Statement& statement, size_t part_bytes,
    const std::vector<std::string>& visit_versions = {});

// The statement with its sources back, from `parts` in any order.
// FailedPrecondition if a part is missing, repeated or belongs to another
// statement, or a part names a line the statement does not have.
// The `visit_versions` of `parts`, in part order.
std::vector<std::string> JoinVisitVersions(
    std::vector<v1::StatementSourcesRecorded> parts);

absl::StatusOr<v1::Statement> JoinSources(
    v1::Statement lines, std::vector<v1::StatementSourcesRecorded> parts,
    int expected_parts);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_SOURCES_H_
