// Staff continuity and the exception share per provider over 14 days from
// from_date, live from the visit events; the municipality's row first.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/calendar.h"
#include "lov/followup/domain/continuity.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::ListContinuityResponse> FollowupApp::ListContinuity(
    const v1::ListContinuityRequest& request) {
  absl::StatusOr<absl::CivilDay> from =
      DateField("from_date", request.from_date(), std::nullopt);
  if (!from.ok()) return from.status();
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"followup.ListContinuity", FormatDate(*from)}));
  if (!page.ok()) return page.status();
  const absl::CivilDay to = *from + kContinuityDays;
  absl::StatusOr<std::vector<VisitFact>> visits =
      visits_->StartingIn({StartOfDay(*from), StartOfDay(to)});
  if (!visits.ok()) return visits.status();
  std::vector<v1::ProviderContinuity> rows;
  for (const ContinuityResult& r : Continuity(*visits, *from)) {
    v1::ProviderContinuity row;
    row.set_provider_id(r.provider_id);
    row.set_clients(r.clients);
    row.set_median_staff(r.median_staff);
    for (const auto& [staff, clients] : r.distribution) {
      auto* bucket = row.add_distribution();
      bucket->set_staff(staff);
      bucket->set_clients(clients);
    }
    row.set_visits(r.visits);
    row.set_visits_with_exceptions(r.visits_with_exceptions);
    rows.push_back(std::move(row));
  }
  v1::ListContinuityResponse out;
  out.set_from_date(FormatDate(*from));
  out.set_to_date(FormatDate(to));
  // The municipality's empty provider id sorts first.
  for (auto& row : TakePage(
           std::move(rows), *page,
           [](const v1::ProviderContinuity& r) {
             return PageKey{r.provider_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_providers() = std::move(row);
  }
  return out;
}

}  // namespace lov::followup
