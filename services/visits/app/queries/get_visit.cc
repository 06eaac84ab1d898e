// One visit: its first outcome, its current version and every event.
#include "absl/strings/str_cat.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::GetVisitResponse> VisitsApp::GetVisit(
    const v1::GetVisitRequest& request) {
  if (absl::Status s = RequireFields({{&request.provider_id(), "provider_id"},
                                      {&request.report_id(), "report_id"}});
      !s.ok()) {
    return s;
  }
  const std::string id = VisitIdOf(request.provider_id(), request.report_id());
  absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(id);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value() || !(*rec)->done) {
    return absl::NotFoundError(absl::StrCat("report_id: no visit ", id));
  }
  v1::GetVisitResponse out;
  out.set_visit_id(id);
  if ((*rec)->outcome) *out.mutable_first_outcome() = *(*rec)->outcome;
  if ((*rec)->current) *out.mutable_current() = *(*rec)->current;
  out.set_voided((*rec)->voided);
  absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
  if (!h.ok()) return h.status();
  for (auto& e : *h) *out.add_history() = std::move(e);
  return out;
}

}  // namespace lov::visits
