// What the visits service knows of a client: the assignments, the granted
// time and, for one provider, its settled months (what reports are checked
// against).
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::GetClientContextResponse> VisitsApp::GetClientContext(
    const v1::GetClientContextRequest& request) {
  if (absl::Status s = RequireFields({{&request.client_id(), "client_id"}});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<VerificationContext>> ctx =
      store_->LoadContexts({{request.client_id(), request.provider_id(), "",
                             PeriodOf(clock_->Now())}});
  if (!ctx.ok()) return ctx.status();
  const VerificationContext& c = (*ctx)[0];
  v1::GetClientContextResponse out;
  for (const auto& a : c.assignments) {
    if (!request.provider_id().empty() &&
        a.provider_id() != request.provider_id()) {
      continue;
    }
    auto* v = out.add_assignments();
    v->set_assignment_id(a.assignment_id());
    v->set_provider_id(a.provider_id());
    v->set_zone_id(a.zone_id());
    *v->mutable_category_ids() = a.category_ids();
    v->set_valid_from(a.valid_from());
    v->set_valid_to(a.valid_to());
  }
  for (const auto& d : c.decisions) {
    for (const auto& g : d.categories()) {
      auto* v = out.add_granted();
      v->set_decision_id(d.decision_id());
      v->set_category_id(g.category_id());
      v->set_minutes_per_month(g.minutes_per_month());
      v->set_valid_from(d.valid_from());
      v->set_valid_to(d.valid_to());
    }
  }
  out.set_municipality_known(c.municipality.has_value());
  if (!request.provider_id().empty()) {
    for (const auto& p : c.locked_periods) out.add_locked_periods(p);
  }
  return out;
}

}  // namespace lov::visits
