// An assignment started or ended on lov.choice.events.v1: the listings the
// indicators count follow it (listed clients per provider and zone, and the
// zone of a client's visits, complaints and deviations). Only the
// assignment's ids, zone and dates are kept; other choice events change
// nothing here.
#include "lov/choice/v1/events.pb.h"
#include "lov/followup/app/followup_app.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

// The listing of an assignment; nullopt (logged) if its dates are
// unreadable.
std::optional<Listing> ListingOf(const choice::v1::Assignment& a) {
  absl::StatusOr<absl::CivilDay> from = ParseDate(a.valid_from());
  std::optional<absl::CivilDay> to;
  bool readable = from.ok();
  if (readable && !a.valid_to().empty()) {
    absl::StatusOr<absl::CivilDay> last = ParseDate(a.valid_to());
    readable = last.ok();
    if (readable) to = *last;
  }
  if (!readable || a.assignment_id().empty()) {
    log::Warn("assignment without readable id or dates ignored",
              {{"assignment_id", a.assignment_id()}});
    return std::nullopt;
  }
  return Listing{a.client_id(), a.provider_id(), a.zone_id(), *from, to};
}

}  // namespace

absl::Status FollowupApp::RecordAssignment(const CloudEvent& ce) {
  choice::v1::ChoiceEvent event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  std::vector<const choice::v1::Assignment*> changed;
  if (event.has_assignment_started()) {
    changed.push_back(&event.assignment_started().assignment());
    if (event.assignment_started().has_ended()) {
      changed.push_back(&event.assignment_started().ended());
    }
  } else if (event.has_assignment_ended()) {
    changed.push_back(&event.assignment_ended().assignment());
  }
  if (changed.empty()) return absl::OkStatus();
  absl::StatusOr<IndicatorStore*> store = Indicators();
  if (!store.ok()) return store.status();
  for (const choice::v1::Assignment* a : changed) {
    std::optional<Listing> listing = ListingOf(*a);
    if (!listing.has_value()) continue;
    if (absl::Status s = (*store)->KeepAssignment(*listing, a->assignment_id(),
                                                  event.aggregate_version());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace lov::followup
