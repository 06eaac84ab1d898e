// The neutrality panel's data: every zone and category of the registry,
// asked of the choice service (NeutralitySource) for the panel's period.
// The calls run outside the read model's lock; the board is swapped in
// whole.
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {
namespace {

// After one of these, the next calls would fail the same way: the rest of
// the round is not asked (choice down, slow or refusing the console).
bool EndsTheRound(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded ||
         code == absl::StatusCode::kUnauthenticated ||
         code == absl::StatusCode::kPermissionDenied;
}

}  // namespace

void ConsoleApp::RefreshNeutrality(NeutralitySource* source) {
  std::vector<std::pair<std::string, std::string>> zones, categories;
  {
    std::lock_guard<std::mutex> lock(mu_);
    zones = model_.zones();
    categories = model_.categories();
  }
  NeutralityBoard board;
  board.period = NeutralityPeriodFor(StockholmDate(clock_->Now()));
  std::string round_error;
  for (const auto& zone : zones) {
    for (const auto& category : categories) {
      NeutralityEntry& entry = board.entries.emplace_back();
      entry.zone_id = zone.first;
      entry.category_id = category.first;
      if (!round_error.empty()) {
        entry.error = round_error;
        continue;
      }
      choice::v1::GetNeutralityReportRequest request;
      request.set_from_date(FormatDate(board.period.from));
      request.set_to_date(FormatDate(board.period.to));
      request.set_zone_id(zone.first);
      request.set_category_id(category.first);
      absl::StatusOr<choice::v1::GetNeutralityReportResponse> report =
          source->Report(request);
      if (report.ok()) {
        entry.report = *std::move(report);
        continue;
      }
      entry.error =
          absl::StrCat("choice did not answer: ", report.status().ToString());
      if (EndsTheRound(report.status().code())) round_error = entry.error;
    }
  }
  board.checked_at = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  neutrality_ = std::move(board);
}

std::vector<NeutralityFlag> ConsoleApp::NeutralityVerdicts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NeutralityFlags(neutrality_);
}

void ConsoleApp::StartNeutralityChecks(NeutralitySource* source,
                                       absl::Duration interval) {
  neutrality_checks_ = std::make_unique<PeriodicRunner>(
      [this, source] { RefreshNeutrality(source); }, interval);
  neutrality_checks_->Start();
}

}  // namespace lov::console
