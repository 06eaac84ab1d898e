// An approved statement's sources split into bounded parts and joined back,
// in any order, give the statement again.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "google/protobuf/util/message_differencer.h"
#include "lov/settlement/domain/statement_sources.h"
#include "quiet_protobuf.h"

namespace settlement = lov::settlement;

namespace {

// Sources are joined to lines by line number; BuildStatement numbers the
// lines 1, 2, 3 ..., so only such statements are ever split.
bool LineNumbersUnique(const settlement::v1::Statement& statement) {
  std::set<int32_t> seen;
  for (const auto& line : statement.lines()) {
    if (!seen.insert(line.line_no()).second) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::SilenceProtobufLogs();
  lov::fuzz::FuzzInput input(data, size);
  const size_t part_bytes = 1 + input.Byte() % 64;
  const bool reverse = input.Byte() % 2 == 1;
  settlement::v1::Statement statement;
  if (!statement.ParseFromString(input.Rest())) return 0;
  if (!LineNumbersUnique(statement)) return 0;

  settlement::SplitStatement split =
      settlement::SplitSources(statement, part_bytes);
  for (const auto& line : split.lines.lines()) {
    LOV_FUZZ_CHECK(line.sources().empty());
  }
  const int parts = static_cast<int>(split.parts.size());
  if (reverse) std::reverse(split.parts.begin(), split.parts.end());
  const auto joined = settlement::JoinSources(std::move(split.lines),
                                              std::move(split.parts), parts);
  LOV_FUZZ_CHECK(joined.ok());
  LOV_FUZZ_CHECK(
      google::protobuf::util::MessageDifferencer::Equals(*joined, statement));
  return 0;
}
