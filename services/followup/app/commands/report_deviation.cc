// A provider reports a deviation (avvikelse), a lex Sarah report among
// them; a serious one is then due at IVO within 14 calendar days.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/deviations.h"

namespace lov::followup {

absl::StatusOr<v1::Deviation> FollowupApp::ReportDeviation(
    const v1::ReportDeviationRequest& r) {
  if (absl::Status s = RequireRequestId(r.request_id()); !s.ok()) return s;
  const std::string id = IdFor("dev", r.request_id());
  return Write<v1::Deviation>(
      r, r.request_id(), "deviation_id", id, /*creates=*/true,
      [this](const std::string& id) { return store_->GetDeviation(id); },
      [&](const std::optional<v1::Deviation>&) {
        return followup::ReportDeviation(r, id, Today());
      },
      [](const v1::Deviation& after, v1::FollowupEvent* e) {
        *e->mutable_deviation_reported()->mutable_deviation() = after;
      });
}

}  // namespace lov::followup
