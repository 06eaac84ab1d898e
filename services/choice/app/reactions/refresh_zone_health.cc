// After a change of providers or assignments: ZoneHealth is published for
// each zone and category whose count of selectable providers (or its "no
// real choice" flag) differs from what was last published. Most changes
// leave every count as it was: that is checked first without the
// zone-health lock, which every Choose in the municipality would otherwise
// queue on; only a difference takes the lock and checks again under it.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/platform/log.h"

namespace lov::choice {
namespace {

bool SameAsPublished(const std::map<std::string, v1::ZoneHealth>& published,
                     const v1::ZoneHealth& h) {
  auto it = published.find(absl::StrCat(h.zone_id(), "|", h.category_id()));
  return it != published.end() &&
         it->second.selectable_providers() == h.selectable_providers() &&
         it->second.no_real_choice() == h.no_real_choice();
}

}  // namespace

absl::StatusOr<std::vector<v1::ZoneHealth>> ChoiceApp::UnpublishedZoneHealth(
    const std::vector<std::string>& zone_ids, int64_t* version) {
  absl::StatusOr<std::map<std::string, v1::ZoneHealth>> published =
      store_->GetPublishedZoneHealth(version);
  if (!published.ok()) return published.status();
  absl::StatusOr<v1::GetZoneHealthResponse> now = GetZoneHealth({});
  if (!now.ok()) return now.status();
  std::vector<v1::ZoneHealth> changed;
  for (const auto& h : now->zones()) {
    if (!zone_ids.empty() && std::find(zone_ids.begin(), zone_ids.end(),
                                       h.zone_id()) == zone_ids.end()) {
      continue;
    }
    if (!SameAsPublished(*published, h)) changed.push_back(h);
  }
  return changed;
}

absl::Status ChoiceApp::RefreshZoneHealth(
    const std::vector<std::string>& zone_ids) {
  absl::StatusOr<std::optional<reg::Municipality>> m =
      store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) return absl::OkStatus();
  int64_t version_seen = 0;
  absl::StatusOr<std::vector<v1::ZoneHealth>> differs =
      UnpublishedZoneHealth(zone_ids, &version_seen);
  if (!differs.ok()) return differs.status();
  if (differs->empty()) return absl::OkStatus();
  using Result = lov::Decision<v1::ChoiceEvent, bool>;
  // Idempotent by its content: no request id to recognise.
  absl::StatusOr<bool> refreshed = runner_.Run<bool>(
      Command{.lock_key = kZoneHealthAggregate}, {},
      [&]() -> absl::StatusOr<Result> {
        int64_t version = 0;
        absl::StatusOr<std::vector<v1::ZoneHealth>> changed =
            UnpublishedZoneHealth(zone_ids, &version);
        if (!changed.ok()) return changed.status();
        std::vector<v1::ChoiceEvent> events;
        for (const auto& h : *changed) {
          v1::ChoiceEvent& e = events.emplace_back();
          e.set_aggregate_id(kZoneHealthAggregate);
          e.set_aggregate_version(++version);
          *e.mutable_zone_health() = h;
          if (h.no_real_choice()) {
            log::Warn("zone has no real choice",
                      {{"zone_id", h.zone_id()},
                       {"category_id", h.category_id()},
                       {"selectable_providers", h.selectable_providers()}});
          }
        }
        return Result{std::move(events), true};
      });
  return refreshed.status();
}

}  // namespace lov::choice
