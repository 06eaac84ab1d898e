// The provider has reported a serious lex Sarah case to IVO.
#include "absl/strings/str_cat.h"
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/deviations.h"

namespace lov::followup {

absl::StatusOr<v1::Deviation> FollowupApp::ReportToIvo(
    const v1::ReportToIvoRequest& r) {
  if (r.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  return Write<v1::Deviation>(
      r, r.request_id(), "deviation_id", r.deviation_id(), /*creates=*/false,
      [this](const std::string& id) { return store_->GetDeviation(id); },
      [&](const std::optional<v1::Deviation>& current)
          -> absl::StatusOr<v1::Deviation> {
        // Another provider's deviation is not this provider's to see.
        if (current->provider_id() != r.provider_id()) {
          return absl::NotFoundError(
              absl::StrCat("deviation_id: provider ", r.provider_id(),
                           " has no deviation '", r.deviation_id(), "'"));
        }
        return followup::ReportToIvo(*current, r, Today());
      },
      [](const v1::Deviation& after, v1::FollowupEvent* e) {
        *e->mutable_deviation_reported_to_ivo()->mutable_deviation() = after;
      });
}

}  // namespace lov::followup
