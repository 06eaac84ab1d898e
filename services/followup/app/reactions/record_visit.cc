// A visit accepted, corrected or voided on lov.visits.events.v1: the visit
// facts the indicators count follow its current version. Rejections and
// reviews change no visit.
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/continuity.h"
#include "lov/platform/event_envelope.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::followup {

absl::Status FollowupApp::RecordVisit(const CloudEvent& ce) {
  visits::v1::VisitEvent event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  if (event.has_visit_accepted()) {
    const auto& a = event.visit_accepted();
    return visits_->Keep(a.visit().visit_id(), a.visit().version(),
                         FactOf(a.visit(), a.exceptions_size() > 0));
  }
  if (event.has_visit_corrected()) {
    const auto& c = event.visit_corrected();
    return visits_->Keep(c.visit().visit_id(), c.visit().version(),
                         FactOf(c.visit(), c.exceptions_size() > 0));
  }
  if (event.has_visit_voided()) {
    const auto& v = event.visit_voided().previous();
    return visits_->Drop(v.visit_id(), v.version() + 1);
  }
  return absl::OkStatus();
}

}  // namespace lov::followup
