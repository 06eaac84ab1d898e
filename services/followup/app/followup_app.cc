// What the follow-up service's use cases share: the write path's ports,
// ids, and the dates every use case reads.
#include "lov/followup/app/followup_app.h"

#include "lov/followup/domain/calendar.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

FollowupApp::FollowupApp(FollowupStore* store, VisitFactStore* visits,
                         EventPublisher* publisher, const Clock* clock,
                         IndicatorStore* indicators,
                         SanctionLinkStore* sanctions)
    : store_(store),
      visits_(visits),
      indicators_(indicators),
      sanctions_(sanctions),
      clock_(clock),
      runner_(
          {.lock = [store](const std::string& key) { return store->Lock(key); },
           .find_request =
               [store](const std::string& id) { return store->GetRequest(id); },
           .publish =
               [publisher](const std::vector<v1::FollowupEvent>& events) {
                 for (const v1::FollowupEvent& e : events) {
                   if (absl::Status s = publisher->Publish(e); !s.ok()) {
                     return s;
                   }
                 }
                 return absl::OkStatus();
               },
           .apply =
               [store](const v1::FollowupEvent& e) { return store->Apply(e); }},
          clock) {}

std::string FollowupApp::IdFor(const std::string& prefix,
                               const std::string& request_id) {
  return prefix + "-" + NameUuid("lov.followup/" + prefix + "/" + request_id);
}

absl::StatusOr<IndicatorStore*> FollowupApp::Indicators() const {
  if (indicators_ == nullptr) {
    return absl::FailedPreconditionError(
        "indicators: this follow-up service was started without an "
        "indicator store");
  }
  return indicators_;
}

absl::CivilDay FollowupApp::Today() const {
  return StockholmDate(clock_->Now());
}

absl::StatusOr<absl::CivilDay> FollowupApp::AsOf(
    const std::string& as_of) const {
  return DateField("as_of", as_of, Today());
}

}  // namespace lov::followup
