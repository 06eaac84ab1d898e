// Providers and their standing on a day, filtered by zone, category and
// intake, by provider id a page at a time.
#include "absl/strings/str_cat.h"
#include "lov/platform/paging.h"
#include "lov/registry/app/queries/as_of.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::registry {

absl::StatusOr<v1::ListProvidersResponse> RegistryApp::ListProviders(
    const v1::ListProvidersRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of(), Today());
  if (!day.ok()) return day.status();
  // The day itself, not as_of: an empty as_of means today, and a page
  // token of yesterday's list must not continue today's.
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"registry.ListProviders", request.zone_id(),
                 request.category_id(), FormatDate(*day),
                 request.accepting_only() ? "accepting" : "all"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<v1::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  bool zone_known = request.zone_id().empty();
  for (const auto& z : m->zones())
    zone_known |= z.zone_id() == request.zone_id();
  if (!zone_known) {
    return absl::InvalidArgumentError(
        absl::StrCat("zone_id: unknown zone '", request.zone_id(), "'"));
  }
  bool category_known = request.category_id().empty();
  for (const auto& c : m->categories()) {
    category_known |= c.category_id() == request.category_id();
  }
  if (!category_known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "category_id: unknown category '", request.category_id(), "'"));
  }
  absl::StatusOr<std::vector<v1::Provider>> all = store_->ListProviders();
  if (!all.ok()) return all.status();
  std::vector<v1::ProviderStatus> listed;
  for (const auto& p : *all) {
    v1::ProviderStatus status = StatusAsOf(*m, p, *day);
    v1::ProviderStatus filtered = status;
    filtered.clear_statuses();
    for (const auto& s : status.statuses()) {
      if ((request.zone_id().empty() || s.zone_id() == request.zone_id()) &&
          (request.category_id().empty() ||
           s.category_id() == request.category_id()) &&
          (!request.accepting_only() || s.accepting_new_clients())) {
        *filtered.add_statuses() = s;
      }
    }
    const bool unfiltered = request.zone_id().empty() &&
                            request.category_id().empty() &&
                            !request.accepting_only();
    if (unfiltered || !filtered.statuses().empty()) {
      listed.push_back(unfiltered ? std::move(status) : std::move(filtered));
    }
  }
  v1::ListProvidersResponse out;
  for (auto& p : TakePage(
           std::move(listed), *page,
           [](const v1::ProviderStatus& p) {
             return PageKey{p.provider().provider_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_providers() = std::move(p);
  }
  return out;
}

}  // namespace lov::registry
