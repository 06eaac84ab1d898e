#include "lov/choice/app/list_shown.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"

namespace lov::choice {

v1::ChoiceEvent ListShownEvent(const ListShown& shown, absl::Time now) {
  v1::ChoiceEvent event;
  event.set_event_id(NewUuid());
  *event.mutable_occurred_at() = ToProtoTime(now);
  *event.mutable_actor() = CurrentActor();
  v1::EligibleListShown* list = event.mutable_eligible_list_shown();
  list->set_list_id(NewUuid());
  event.set_aggregate_id(list->list_id());
  event.set_aggregate_version(1);
  list->set_zone_id(shown.zone_id);
  for (const auto& c : shown.category_ids) list->add_category_ids(c);
  list->set_seed(shown.seed);
  list->set_as_of(shown.as_of);
  for (const auto& p : shown.shown_provider_ids) list->add_provider_ids(p);
  for (const auto& p : shown.eligible_provider_ids) {
    list->add_eligible_provider_ids(p);
  }
  list->set_reproduction(shown.reproduction);
  list->set_language(shown.language);
  return event;
}

absl::Status RecordListShown(EventPublisher& publisher, const Clock& clock,
                             const ListShown& shown) {
  const v1::ChoiceEvent event = ListShownEvent(shown, clock.Now());
  if (absl::Status s = publisher.Publish({event}); !s.ok()) {
    log::Error("eligible list not recorded; the answer is withheld",
               {{"list_id", event.aggregate_id()}, {"error", s}});
    return absl::UnavailableError(absl::StrCat(
        "not answered: the list shown could not be recorded for the "
        "neutrality audit (",
        s.message(), "); retry"));
  }
  return absl::OkStatus();
}

}  // namespace lov::choice
