// A provider's visits whose current version has exceptions (outside the
// hours, far over the granted time, manual evidence), awaiting review or,
// on request, reviewed too.
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::ListExceptionsResponse> VisitsApp::ListExceptions(
    const v1::ListExceptionsRequest& request) {
  if (absl::Status s = RequireFields({{&request.provider_id(), "provider_id"}});
      !s.ok()) {
    return s;
  }
  if (!request.period().empty()) {
    if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<std::string>> ids =
      store_->ExceptionVisitIds(request.provider_id());
  if (!ids.ok()) return ids.status();
  v1::ListExceptionsResponse out;
  for (const auto& id : *ids) {
    absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
    if (!h.ok()) return h.status();
    std::optional<v1::ExceptionEntry> entry = ExceptionEntryOf(*h);
    if (!entry || entry->exceptions().empty()) continue;
    if (entry->has_review() && !request.include_reviewed()) continue;
    if (!request.period().empty() &&
        entry->visit().period() != request.period()) {
      continue;
    }
    *out.add_entries() = std::move(*entry);
  }
  return out;
}

}  // namespace lov::visits
