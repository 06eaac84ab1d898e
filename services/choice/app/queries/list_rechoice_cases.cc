// Re-choice cases (omvalsärenden) of one client, or of every client
// leaving one provider; open ones only if asked. By client and case id, a
// page at a time.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/queries/client_pages.h"

namespace lov::choice {

absl::StatusOr<v1::ListRechoiceCasesResponse> ChoiceApp::ListRechoiceCases(
    const v1::ListRechoiceCasesRequest& request) {
  if (request.provider_id().empty() == request.client_id().empty()) {
    return absl::InvalidArgumentError(
        "provider_id, client_id: exactly one of them is required");
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"choice.ListRechoiceCases", request.provider_id(),
                 request.client_id(), request.open_only() ? "open" : "all"}));
  if (!page.ok()) return page.status();
  std::vector<std::string> clients;
  if (!request.client_id().empty()) {
    clients.push_back(request.client_id());
  } else {
    absl::StatusOr<std::vector<std::string>> ids =
        store_->ClientsOf(request.provider_id());
    if (!ids.ok()) return ids.status();
    clients = std::move(*ids);
  }
  PageBuilder<v1::ListRechoiceCasesResponse::Entry> builder(*page);
  absl::Status walked = WalkClients(
      *store_, std::move(clients), *page, builder,
      [&](const std::string& id, const std::optional<v1::Client>& c) {
        if (!c.has_value()) {
          if (!request.client_id().empty()) {
            return absl::NotFoundError(
                absl::StrCat("client_id: no client '", id, "'"));
          }
          return absl::OkStatus();
        }
        std::vector<const v1::RechoiceCase*> cases;
        for (const auto& rc : c->cases()) {
          if (request.open_only() && rc.status() != v1::CASE_STATUS_OPEN) {
            continue;
          }
          if (!request.provider_id().empty() &&
              rc.provider_id() != request.provider_id()) {
            continue;
          }
          cases.push_back(&rc);
        }
        std::sort(cases.begin(), cases.end(), [](const auto* a, const auto* b) {
          return a->case_id() < b->case_id();
        });
        for (const auto* rc : cases) {
          v1::ListRechoiceCasesResponse::Entry e;
          e.set_client_id(id);
          *e.mutable_rechoice_case() = *rc;
          builder.Offer({id, rc->case_id()}, std::move(e));
        }
        return absl::OkStatus();
      });
  if (!walked.ok()) return walked;
  v1::ListRechoiceCasesResponse out;
  for (auto& e : builder.Take(out.mutable_next_page_token())) {
    *out.add_cases() = std::move(e);
  }
  return out;
}

}  // namespace lov::choice
