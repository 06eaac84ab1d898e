// Visit verification on arbitrary protobuf bytes: the report a provider's
// system sends and the serving state it is checked against (assignments,
// decisions, municipality), at any time.
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/visits/domain/visit_rules.h"
#include "quiet_protobuf.h"

namespace {

namespace visits = lov::visits;

template <typename Message>
bool ParsePiece(lov::fuzz::FuzzInput& input, Message* message) {
  return message->ParseFromString(input.Piece());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::SilenceProtobufLogs();
  lov::fuzz::FuzzInput input(data, size);
  visits::v1::VisitReport report;
  if (!ParsePiece(input, &report)) return 0;
  visits::VerificationContext ctx;
  lov::registry::v1::Municipality municipality;
  if (ParsePiece(input, &municipality)) ctx.municipality = municipality;
  lov::choice::v1::Assignment assignment;
  if (ParsePiece(input, &assignment)) ctx.assignments.push_back(assignment);
  lov::choice::v1::Decision decision;
  if (ParsePiece(input, &decision)) ctx.decisions.push_back(decision);
  ctx.locked_periods.insert(input.Piece());
  // A sum of accepted visits (at most 12 hours each) kept by the service
  // itself: any month's count is far below 2^40 minutes.
  ctx.performed_minutes_in_month = input.Int64() % (int64_t{1} << 40);
  const absl::Time now = absl::FromUnixSeconds(input.Int64());

  const absl::Status well_formed = visits::CheckWellFormed(report);
  visits::CheckNoPersonnummer(report).IgnoreError();
  const visits::Verdict verdict =
      visits::Verify(report, ctx, visits::Limits(), now);
  // A malformed report is never accepted.
  LOV_FUZZ_CHECK(well_formed.ok() || !verdict.accepted);
  if (verdict.accepted) {
    visits::ClientMinutes(verdict.visit);
    visits::StaffMinutes(verdict.visit);
  }
  return 0;
}
