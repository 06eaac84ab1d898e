// The clients a provider serves (or served): its assignments, in one zone
// or all, on a day or ever, by client and assignment id a page at a time.
#include <algorithm>

#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/queries/client_pages.h"
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
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"choice.ListAssignments", request.provider_id(),
                 request.zone_id(), as_of}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<std::string>> clients =
      store_->ClientsOf(request.provider_id());
  if (!clients.ok()) return clients.status();
  PageBuilder<v1::Assignment> builder(*page);
  absl::Status walked = WalkClients(
      *store_, *std::move(clients), *page, builder,
      [&](const std::string& id, const std::optional<v1::Client>& c) {
        if (!c.has_value()) return absl::OkStatus();
        std::vector<const v1::Assignment*> mine;
        for (const auto& a : c->assignments()) {
          if (a.provider_id() != request.provider_id()) continue;
          if (!request.zone_id().empty() && a.zone_id() != request.zone_id()) {
            continue;
          }
          if (!as_of.empty() && !Covers(a, as_of)) continue;
          mine.push_back(&a);
        }
        std::sort(mine.begin(), mine.end(), [](const auto* a, const auto* b) {
          return a->assignment_id() < b->assignment_id();
        });
        for (const auto* a : mine) builder.Offer({id, a->assignment_id()}, *a);
        return absl::OkStatus();
      });
  if (!walked.ok()) return walked;
  v1::ListAssignmentsResponse out;
  for (auto& a : builder.Take(out.mutable_next_page_token())) {
    *out.add_assignments() = std::move(a);
  }
  return out;
}

}  // namespace lov::choice
