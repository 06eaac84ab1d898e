// Follow-ups, of one provider or all, with the findings whose action plan
// is overdue (or only follow-ups that have one) and the registry's
// sanctions that name a finding, by id a page at a time.
#include <algorithm>
#include <map>
#include <tuple>

#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/follow_ups.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::ListFollowUpsResponse> FollowupApp::ListFollowUps(
    const v1::ListFollowUpsRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of());
  if (!day.ok()) return day.status();
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      ListQuery({"followup.ListFollowUps",
                                 request.provider_id(), FormatDate(*day),
                                 request.overdue_only() ? "overdue" : "all"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::FollowUp>> all = store_->ListFollowUps();
  if (!all.ok()) return all.status();
  std::map<std::string, std::vector<v1::FindingSanction>> sanctions;
  if (sanctions_ != nullptr) {
    absl::StatusOr<std::map<std::string, std::vector<v1::FindingSanction>>>
        kept = sanctions_->SanctionsByFollowUp();
    if (!kept.ok()) return kept.status();
    sanctions = std::move(*kept);
  }
  std::vector<v1::FollowUpEntry> listed;
  for (v1::FollowUp& f : *all) {
    if (!request.provider_id().empty() &&
        f.provider_id() != request.provider_id()) {
      continue;
    }
    std::vector<std::string> overdue = OverdueFindings(f, *day);
    if (request.overdue_only() && overdue.empty()) continue;
    v1::FollowUpEntry entry;
    *entry.mutable_follow_up() = std::move(f);
    for (auto& id : overdue) entry.add_overdue_finding_ids(std::move(id));
    if (auto named = sanctions.find(entry.follow_up().follow_up_id());
        named != sanctions.end()) {
      std::sort(
          named->second.begin(), named->second.end(),
          [](const v1::FindingSanction& a, const v1::FindingSanction& b) {
            return std::tie(a.finding_id(), a.decided_on(), a.sanction_id()) <
                   std::tie(b.finding_id(), b.decided_on(), b.sanction_id());
          });
      for (auto& sanction : named->second) {
        *entry.add_sanctions() = std::move(sanction);
      }
    }
    listed.push_back(std::move(entry));
  }
  v1::ListFollowUpsResponse out;
  for (auto& e : TakePage(
           std::move(listed), *page,
           [](const v1::FollowUpEntry& e) {
             return PageKey{e.follow_up().follow_up_id()};
           },
           out.mutable_next_page_token())) {
    *out.add_follow_ups() = std::move(e);
  }
  return out;
}

}  // namespace lov::followup
