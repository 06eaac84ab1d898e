// Rate-table validation on arbitrary protobuf bytes (AddRateTable's input),
// and pricing with a table that passed: a valid table prices verified
// visits (at most 12 hours each) without overflow.
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "quiet_protobuf.h"

namespace {

namespace settlement = lov::settlement;

// The visits the visits service accepts are at most 12 hours long.
bool Verified(const lov::visits::v1::Visit& visit) {
  const absl::Duration length =
      lov::FromProtoTime(visit.end()) - lov::FromProtoTime(visit.start());
  return length <= absl::Hours(12);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::SilenceProtobufLogs();
  lov::fuzz::FuzzInput input(data, size);
  settlement::v1::RateTable table;
  if (!table.ParseFromString(input.Piece())) return 0;
  if (!settlement::ValidateRateTable(table).ok()) return 0;

  const settlement::RateBook book({table});
  settlement::StatementInput statement_input;
  statement_input.provider_id = "prv-fuzz";
  statement_input.period =
      absl::CivilMonth(lov::ParseDate(table.effective_date()).value());
  statement_input.rates = &book;
  statement_input.in_house = input.Byte() % 2 == 1;
  while (statement_input.visits.size() < 8) {
    lov::visits::v1::Visit visit;
    const std::string piece = input.Piece();
    if (piece.empty() || !visit.ParseFromString(piece)) break;
    if (Verified(visit)) statement_input.visits.push_back(visit);
  }
  const auto statement = settlement::BuildStatement(statement_input);
  LOV_FUZZ_CHECK(statement.status().code() != absl::StatusCode::kOutOfRange);
  return 0;
}
