// A provider's history, one line per event, in a case officer's words.
#include "absl/strings/str_cat.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::registry {

absl::StatusOr<v1::GetProviderHistoryResponse> RegistryApp::GetProviderHistory(
    const v1::GetProviderHistoryRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  absl::StatusOr<std::optional<v1::Provider>> p =
      store_->GetProvider(request.provider_id());
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", request.provider_id(), "'"));
  }
  absl::StatusOr<std::vector<v1::HistoryEntry>> h =
      store_->History(request.provider_id());
  if (!h.ok()) return h.status();
  v1::GetProviderHistoryResponse out;
  for (auto& e : *h) *out.add_entries() = std::move(e);
  return out;
}

}  // namespace lov::registry
