// Performed time against granted time (utförd mot beviljad tid) per
// category and month, for one client or for every client of a provider.
#include <map>

#include "lov/visits/app/visits_app.h"

namespace lov::visits {

std::vector<v1::PerformedVsGranted> VisitsApp::RowsOf(
    const std::string& client_id, const std::string& provider_id,
    const std::string& period, const ClientMonth& month) {
  // Per category: every provider's time for a client view, the one
  // provider's for a provider view.
  std::map<std::string, PerformedCell> by_category;
  for (const auto& d : month.decisions) {
    for (const auto& g : d.categories()) by_category[g.category_id()];
  }
  for (const auto& cell : month.cells) {
    if (!provider_id.empty() && cell.provider_id != provider_id) continue;
    PerformedCell& sum = by_category[cell.category_id];
    sum.client_minutes += cell.client_minutes;
    sum.staff_minutes += cell.staff_minutes;
    sum.visits += cell.visits;
  }
  const absl::CivilMonth civil = MonthOf(period);
  std::vector<v1::PerformedVsGranted> rows;
  for (const auto& [category, sum] : by_category) {
    rows.push_back(
        CompareToGranted(client_id, category, period,
                         GrantedMinutes(month.decisions, category, civil),
                         sum.client_minutes, sum.staff_minutes, sum.visits));
  }
  return rows;
}

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
  absl::StatusOr<std::vector<ClientMonth>> months =
      store_->ClientMonths(clients, request.period());
  if (!months.ok()) return months.status();
  v1::GetPerformedVsGrantedResponse out;
  for (size_t i = 0; i < clients.size(); ++i) {
    for (auto& row : RowsOf(clients[i], request.provider_id(), request.period(),
                            (*months)[i])) {
      *out.add_rows() = std::move(row);
    }
  }
  return out;
}

}  // namespace lov::visits
