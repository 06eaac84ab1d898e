// Re-choice cases (omvalsärenden) of one client, or of every client
// leaving one provider; open ones only if asked.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"

namespace lov::choice {

absl::StatusOr<v1::ListRechoiceCasesResponse> ChoiceApp::ListRechoiceCases(
    const v1::ListRechoiceCasesRequest& request) {
  if (request.provider_id().empty() == request.client_id().empty()) {
    return absl::InvalidArgumentError(
        "provider_id, client_id: exactly one of them is required");
  }
  std::vector<std::string> clients;
  if (!request.client_id().empty()) {
    clients.push_back(request.client_id());
  } else {
    absl::StatusOr<std::vector<std::string>> ids =
        store_->ClientsOf(request.provider_id());
    if (!ids.ok()) return ids.status();
    clients = std::move(*ids);
  }
  v1::ListRechoiceCasesResponse out;
  for (const auto& id : clients) {
    absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) {
      if (!request.client_id().empty()) {
        return absl::NotFoundError(
            absl::StrCat("client_id: no client '", id, "'"));
      }
      continue;
    }
    for (const auto& rc : (*c)->cases()) {
      if (request.open_only() && rc.status() != v1::CASE_STATUS_OPEN) continue;
      if (!request.provider_id().empty() &&
          rc.provider_id() != request.provider_id()) {
        continue;
      }
      auto* e = out.add_cases();
      e->set_client_id(id);
      *e->mutable_rechoice_case() = rc;
    }
  }
  return out;
}

}  // namespace lov::choice
