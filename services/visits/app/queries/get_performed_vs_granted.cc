// Performed time against granted time (utförd mot beviljad tid) per
// category and month, for one client or for every client of a provider.
#include <map>

#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::GetPerformedVsGrantedResponse>
VisitsApp::GetPerformedVsGranted(
    const v1::GetPerformedVsGrantedRequest& request) {
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  if (request.client_id().empty() == request.provider_id().empty()) {
    return absl::InvalidArgumentError(
        "client_id, provider_id: exactly one is required");
  }
  std::vector<std::string> clients;
  if (!request.client_id().empty()) {
    clients.push_back(request.client_id());
  } else {
    absl::StatusOr<std::vector<std::string>> c =
        store_->ClientsOfProvider(request.provider_id(), request.period());
    if (!c.ok()) return c.status();
    clients = std::move(*c);
  }
  v1::GetPerformedVsGrantedResponse out;
  const absl::CivilMonth month = MonthOf(request.period());
  for (const auto& client : clients) {
    absl::StatusOr<std::vector<VerificationContext>> ctx = store_->LoadContexts(
        {{client, request.provider_id(), "", request.period()}});
    if (!ctx.ok()) return ctx.status();
    absl::StatusOr<std::vector<PerformedCell>> cells =
        store_->Performed(client, request.period());
    if (!cells.ok()) return cells.status();
    // Per category: every provider's time for a client view, the one
    // provider's for a provider view.
    std::map<std::string, PerformedCell> by_category;
    for (const auto& d : (*ctx)[0].decisions) {
      for (const auto& g : d.categories()) by_category[g.category_id()];
    }
    for (const auto& cell : *cells) {
      if (!request.provider_id().empty() &&
          cell.provider_id != request.provider_id()) {
        continue;
      }
      PerformedCell& sum = by_category[cell.category_id];
      sum.client_minutes += cell.client_minutes;
      sum.staff_minutes += cell.staff_minutes;
      sum.visits += cell.visits;
    }
    for (const auto& [category, sum] : by_category) {
      *out.add_rows() =
          CompareToGranted(client, category, request.period(),
                           GrantedMinutes((*ctx)[0].decisions, category, month),
                           sum.client_minutes, sum.staff_minutes, sum.visits);
    }
  }
  return out;
}

}  // namespace lov::visits
