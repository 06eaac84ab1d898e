// Cost follow-up (kostnadsuppföljning) of a month beside the same month a
// year earlier, for one provider or all, with the private share of hours.
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/follow_up.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {

absl::StatusOr<v1::FollowUp> SettlementApp::GetFollowUp(
    const v1::GetFollowUpRequest& request) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  const std::string earlier = FormatPeriod(*month - 12);
  std::vector<std::string> providers;
  if (!request.provider_id().empty()) {
    providers.push_back(request.provider_id());
  } else {
    absl::StatusOr<std::vector<std::string>> all = store_->Providers();
    if (!all.ok()) return all.status();
    providers = std::move(*all);
  }
  std::vector<v1::Statement> now, before;
  for (const std::string& provider : providers) {
    for (auto [period, out] :
         {std::pair{request.period(), &now}, std::pair{earlier, &before}}) {
      absl::StatusOr<v1::Statement> s = Current(provider, period);
      if (absl::IsNotFound(s.status())) continue;  // not in the registry
      if (!s.ok()) return s.status();
      if (s->lines_size() == 0 && s->performed_seconds() == 0) continue;
      out->push_back(std::move(*s));
    }
  }
  return BuildFollowUp(request.period(), earlier, now, before);
}

}  // namespace lov::settlement
