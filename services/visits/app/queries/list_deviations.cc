// The clients whose performed time deviates from the granted time by at
// least a threshold (25 % unless asked), for the municipality's follow-up.
#include "lov/visits/app/visits_app.h"

namespace lov::visits {

absl::StatusOr<v1::ListDeviationsResponse> VisitsApp::ListDeviations(
    const v1::ListDeviationsRequest& request) {
  if (absl::Status s = RequirePeriod(request.period()); !s.ok()) return s;
  const double threshold =
      request.threshold_percent() > 0 ? request.threshold_percent() : 25.0;
  absl::StatusOr<std::vector<std::string>> clients =
      request.provider_id().empty()
          ? store_->ClientsOfPeriod(request.period())
          : store_->ClientsOfProvider(request.provider_id(), request.period());
  if (!clients.ok()) return clients.status();
  v1::ListDeviationsResponse out;
  for (const auto& client : *clients) {
    v1::GetPerformedVsGrantedRequest one;
    one.set_client_id(client);
    one.set_period(request.period());
    absl::StatusOr<v1::GetPerformedVsGrantedResponse> rows =
        GetPerformedVsGranted(one);
    if (!rows.ok()) return rows.status();
    for (const auto& row : rows->rows()) {
      if (IsLargeDeviation(row, threshold)) *out.add_rows() = row;
    }
  }
  return out;
}

}  // namespace lov::visits
