// The continuity panel's as-of rows: every provider's indicators as of the
// first day of the current month (Stockholm date), so the 14 days they
// count are the last 14 of the month just ended, asked of the follow-up
// service (IndicatorsSource). The calls run outside the read model's lock;
// the rows are swapped in whole.
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {

void ConsoleApp::RefreshIndicatorsAsOf(IndicatorsSource* source) {
  IndicatorsAsOf fresh;
  fresh.as_of = absl::CivilDay(absl::CivilMonth(StockholmDate(clock_->Now())));
  followup::v1::ListIndicatorsRequest request;
  request.set_as_of(FormatDate(fresh.as_of));
  request.set_page_size(100);
  // At most 100 pages: a source that never ends its pages is cut off.
  for (int page = 0; page < 100; ++page) {
    absl::StatusOr<followup::v1::ListIndicatorsResponse> answer =
        source->List(request);
    if (!answer.ok()) {
      fresh.error = absl::StrCat("follow-up did not answer: ",
                                 answer.status().ToString());
      fresh.rows.clear();
      break;
    }
    for (followup::v1::ProviderIndicators& i : *answer->mutable_indicators()) {
      // The all-zones row of each provider; the municipality's has no id.
      if (i.zone_id().empty() && !i.provider_id().empty()) {
        fresh.rows.push_back(std::move(i));
      }
    }
    if (answer->next_page_token().empty()) break;
    request.set_page_token(answer->next_page_token());
  }
  fresh.checked_at = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  indicators_as_of_ = std::move(fresh);
}

void ConsoleApp::StartIndicatorsChecks(IndicatorsSource* source,
                                       absl::Duration interval) {
  indicators_checks_ = std::make_unique<PeriodicRunner>(
      [this, source] { RefreshIndicatorsAsOf(source); }, interval);
  indicators_checks_->Start();
}

}  // namespace lov::console
