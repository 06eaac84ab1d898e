// The service publishes each provider's indicators when they change: for
// every provider, the rows (all zones, and each zone) whose figures today
// differ from the last published ones, if those were published on an
// earlier day or the survey result changed since. One command per provider
// on aggregate "ind-<provider_id>", its request id derived from provider,
// date and the aggregate's version, so replicas running at once publish
// once: the second finds the request done, or under the lock nothing left
// to publish.
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/indicators.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

using google::protobuf::util::MessageDifferencer;

// The rows of `now` to publish given what was `last` published.
std::vector<v1::ProviderIndicators> ToPublish(
    const std::vector<v1::ProviderIndicators>& now,
    const IndicatorStore::Published& last) {
  std::vector<v1::ProviderIndicators> out;
  for (const v1::ProviderIndicators& row : now) {
    auto it = last.by_zone.find(row.zone_id());
    if (it != last.by_zone.end()) {
      const v1::ProviderIndicators& before = it->second;
      if (SameFigures(before, row)) continue;
      const bool survey_changed =
          !MessageDifferencer::Equals(before.survey(), row.survey());
      if (before.as_of() == row.as_of() && !survey_changed) continue;
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

absl::StatusOr<int> FollowupApp::PublishIndicators() {
  absl::StatusOr<IndicatorStore*> store = Indicators();
  if (!store.ok()) return store.status();
  const absl::CivilDay today = Today();
  absl::StatusOr<std::vector<v1::ProviderIndicators>> rows =
      IndicatorsAsOf(today, /*by_zone=*/true);
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::vector<v1::ProviderIndicators>> by_provider;
  for (v1::ProviderIndicators& r : *rows) {
    by_provider[r.provider_id()].push_back(std::move(r));
  }
  int published = 0;
  absl::Status first_error;  // one provider's failure does not stop others
  for (const auto& [provider, now] : by_provider) {
    absl::StatusOr<IndicatorStore::Published> last =
        (*store)->GetPublished(provider);
    if (!last.ok()) return last.status();
    if (ToPublish(now, *last).empty()) continue;
    const std::string id = "ind-" + provider;
    // What identifies the change: provider, day, the version it follows.
    v1::ProviderIndicators key;
    key.set_provider_id(provider);
    key.set_as_of(FormatDate(today));
    const std::string request_id =
        absl::StrCat(id, "-", FormatDate(today), "-v", last->version);
    using Result = Decision<v1::FollowupEvent, int>;
    absl::StatusOr<int> n = runner_.Run<int>(
        Command::ByRequest(id, key, request_id),
        [](const std::string&) -> absl::StatusOr<std::optional<int>> {
          return 0;  // another replica published it
        },
        [&]() -> absl::StatusOr<Result> {
          absl::StatusOr<IndicatorStore::Published> current =
              (*store)->GetPublished(provider);
          if (!current.ok()) return current.status();
          std::vector<v1::FollowupEvent> events;
          int64_t version = current->version;
          for (const v1::ProviderIndicators& row : ToPublish(now, *current)) {
            v1::FollowupEvent e;
            e.set_aggregate_id(id);
            e.set_aggregate_version(++version);
            *e.mutable_provider_indicators_published()->mutable_indicators() =
                row;
            events.push_back(std::move(e));
          }
          const int count = static_cast<int>(events.size());
          return Result{std::move(events), count};
        });
    if (!n.ok()) {
      if (first_error.ok()) first_error = n.status();
      continue;
    }
    published += *n;
  }
  if (!first_error.ok()) return first_error;
  return published;
}

}  // namespace lov::followup
