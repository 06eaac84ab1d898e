// Staff void a visit that should not have been reported (makulering): it
// no longer counts; in a settled month the difference counts in the next
// open one.
#include <set>

#include "lov/visits/app/visits_app.h"

namespace lov::visits {
namespace {

v1::VoidVisitResponse ResponseOf(const v1::VisitVoided& voided) {
  v1::VoidVisitResponse out;
  *out.mutable_previous() = voided.previous();
  out.set_period(voided.period());
  out.set_adjusts_period(voided.adjusts_period());
  return out;
}

}  // namespace

absl::StatusOr<v1::VoidVisitResponse> VisitsApp::VoidVisit(
    const v1::VoidVisitRequest& request) {
  if (absl::Status s = RequireVisitCommand(request, request.reason(), "reason");
      !s.ok()) {
    return s;
  }
  const std::string id = VisitIdOf(request.provider_id(), request.report_id());
  return runner_.Run<v1::VoidVisitResponse>(
      Command::ByRequest(id, request, request.request_id()),
      [&](const std::string&)
          -> absl::StatusOr<std::optional<v1::VoidVisitResponse>> {
        // A retry answers with the void, if it is still the last change.
        absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(id);
        if (!h.ok()) return h.status();
        if (!h->empty() && h->back().has_visit_voided()) {
          return std::optional(ResponseOf(h->back().visit_voided()));
        }
        return std::optional(v1::VoidVisitResponse());
      },
      [&]() -> absl::StatusOr<VisitDecision<v1::VoidVisitResponse>> {
        VisitRecord record;
        absl::StatusOr<v1::Visit> previous = CurrentVisit(id, &record);
        if (!previous.ok()) return previous.status();
        absl::StatusOr<std::vector<VerificationContext>> ctx =
            store_->LoadContexts(
                {{previous->client_id(), previous->provider_id(),
                  previous->category_id(), previous->period()}});
        if (!ctx.ok()) return ctx.status();
        const std::set<std::string>& locked = (*ctx)[0].locked_periods;
        v1::VisitEvent event;
        event.set_aggregate_id(id);
        event.set_aggregate_version(record.version + 1);
        v1::VisitVoided* x = event.mutable_visit_voided();
        *x->mutable_previous() = *previous;
        x->set_reason(request.reason());
        if (locked.contains(previous->period())) {
          x->set_adjusts_period(previous->period());
          x->set_period(OpenPeriodFrom(previous->period(), locked));
        } else {
          x->set_period(previous->period());
        }
        v1::VoidVisitResponse out = ResponseOf(*x);
        return VisitDecision<v1::VoidVisitResponse>({std::move(event)},
                                                    std::move(out));
      });
}

}  // namespace lov::visits
