// A client as the service knows it: zone, decisions, assignments, cases.
#include "lov/choice/app/choice_app.h"

namespace lov::choice {

absl::StatusOr<v1::Client> ChoiceApp::GetClient(
    const v1::GetClientRequest& request) {
  if (absl::Status s = RequireClientId(request.client_id()); !s.ok()) return s;
  return RequireClient(request.client_id());
}

}  // namespace lov::choice
