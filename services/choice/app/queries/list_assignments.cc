// The clients a provider serves (or served): its assignments, in one zone
// or all, on a day or ever.
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {

absl::StatusOr<v1::ListAssignmentsResponse> ChoiceApp::ListAssignments(
    const v1::ListAssignmentsRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError(
        "provider_id: is required (assignments are listed per provider)");
  }
  std::string as_of;
  if (!request.as_of().empty()) {
    absl::StatusOr<absl::CivilDay> d =
        DateOr("as_of", request.as_of(), Today());
    if (!d.ok()) return d.status();
    as_of = FormatDate(*d);
  }
  absl::StatusOr<std::vector<std::string>> clients =
      store_->ClientsOf(request.provider_id());
  if (!clients.ok()) return clients.status();
  v1::ListAssignmentsResponse out;
  for (const auto& id : *clients) {
    absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) continue;
    for (const auto& a : (*c)->assignments()) {
      if (a.provider_id() != request.provider_id()) continue;
      if (!request.zone_id().empty() && a.zone_id() != request.zone_id()) {
        continue;
      }
      if (!as_of.empty() && !Covers(a, as_of)) continue;
      *out.add_assignments() = a;
    }
  }
  return out;
}

}  // namespace lov::choice
