// Staff correct a reported visit (rättelse): the corrected report is
// verified like a new one and becomes the visit's next version; a visit of a
// settled month stays in it and the difference counts in the next open one.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {
namespace {

// A rule a correction breaks, as the status the API returns.
absl::Status RuleStatus(const Verdict& v) {
  const std::string text = absl::StrCat(ReasonName(v.reason), ": ", v.detail);
  if (v.reason == v1::REASON_CODE_MALFORMED) {
    return absl::InvalidArgumentError(text);
  }
  return absl::FailedPreconditionError(text);
}

// The corrected report, its report and provider id filled in from the
// request; neither may change.
absl::StatusOr<v1::VisitReport> CorrectedReport(
    const v1::CorrectVisitRequest& request) {
  v1::VisitReport corrected = request.corrected();
  if (corrected.report_id().empty()) {
    corrected.set_report_id(request.report_id());
  }
  if (corrected.provider_id().empty()) {
    corrected.set_provider_id(request.provider_id());
  }
  if (corrected.report_id() != request.report_id() ||
      corrected.provider_id() != request.provider_id()) {
    return absl::InvalidArgumentError(
        "corrected: report_id and provider_id cannot change");
  }
  if (absl::Status s = CheckNoPersonnummer(corrected); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("corrected.", s.message()));
  }
  return corrected;
}

// The corrected times may not overlap another visit of the same staff
// member, or of the client with the same provider.
absl::Status CheckNoOverlap(VisitStore& store, absl::Duration max_length,
                            const std::string& visit_id,
                            const v1::VisitReport& corrected,
                            const Verdict& verdict) {
  std::vector<IndexSlot> slots = IndexSlotsOf(verdict.visit);
  if (slots.empty()) return absl::OkStatus();
  Reservation probe{visit_id, "", slots, FromProtoTime(corrected.start()),
                    FromProtoTime(corrected.end())};
  absl::StatusOr<std::optional<std::pair<int, std::string>>> conflict =
      store.FindConflict(probe, visit_id, max_length);
  if (!conflict.ok()) return conflict.status();
  if (!conflict->has_value()) return absl::OkStatus();
  return RuleStatus(
      OverlapVerdict(verdict, slots[(*conflict)->first], (*conflict)->second));
}

// The visit's next version. A locked period is never changed: the
// difference counts in the next open one.
v1::VisitCorrected Correction(const v1::Visit& previous, const Verdict& verdict,
                              const std::string& reason,
                              const std::set<std::string>& locked) {
  v1::VisitCorrected x;
  *x.mutable_visit() = verdict.visit;
  x.mutable_visit()->set_version(previous.version() + 1);
  *x.mutable_previous() = previous;
  x.set_reason(reason);
  if (locked.contains(previous.period())) {
    x.set_adjusts_period(previous.period());
    x.mutable_visit()->set_period(OpenPeriodFrom(
        std::max(previous.period(), verdict.visit.period()), locked));
  }
  for (const auto& ex : verdict.exceptions) *x.add_exceptions() = ex;
  return x;
}

}  // namespace

absl::StatusOr<v1::CorrectVisitResponse> VisitsApp::CorrectVisit(
    const v1::CorrectVisitRequest& request) {
  if (absl::Status s = RequireVisitCommand(request, request.reason(), "reason");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::VisitReport> corrected = CorrectedReport(request);
  if (!corrected.ok()) return corrected.status();
  const std::string id = VisitIdOf(request.provider_id(), request.report_id());
  return runner_.Run<v1::CorrectVisitResponse>(
      Command::ByRequest(id, request, request.request_id()),
      [&](const std::string&)
          -> absl::StatusOr<std::optional<v1::CorrectVisitResponse>> {
        // A retry answers with the visit as it is now.
        absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(id);
        if (!rec.ok()) return rec.status();
        v1::CorrectVisitResponse out;
        if (rec->has_value() && (*rec)->current) {
          *out.mutable_visit() = *(*rec)->current;
        }
        return std::optional<v1::CorrectVisitResponse>(std::move(out));
      },
      [&] { return DecideCorrection(id, request, *corrected); });
}

absl::StatusOr<VisitsApp::VisitDecision<v1::CorrectVisitResponse>>
VisitsApp::DecideCorrection(const std::string& visit_id,
                            const v1::CorrectVisitRequest& request,
                            const v1::VisitReport& corrected) {
  VisitRecord record;
  absl::StatusOr<v1::Visit> previous = CurrentVisit(visit_id, &record);
  if (!previous.ok()) return previous.status();
  if (corrected.client_id() != previous->client_id()) {
    return absl::InvalidArgumentError(
        "corrected.client_id: cannot change; void the visit and report anew");
  }
  const absl::Time now = clock_->Now();
  ContextKey key{
      corrected.client_id(), corrected.provider_id(), corrected.category_id(),
      corrected.has_start() ? PeriodOf(FromProtoTime(corrected.start()))
                            : PeriodOf(now)};
  absl::StatusOr<std::vector<VerificationContext>> ctx =
      store_->LoadContexts({key});
  if (!ctx.ok()) return ctx.status();
  VerificationContext& c = (*ctx)[0];
  // The visit's own earlier time does not count against the granted time.
  if (previous->category_id() == key.category_id &&
      previous->period() == key.period) {
    c.performed_minutes_in_month -= ClientMinutes(*previous);
  }
  Verdict verdict = Verify(corrected, c, limits_, now);
  if (!verdict.accepted) return RuleStatus(verdict);
  if (absl::Status s = CheckNoOverlap(*store_, limits_.max_length, visit_id,
                                      corrected, verdict);
      !s.ok()) {
    return s;
  }
  v1::VisitEvent event;
  event.set_aggregate_id(visit_id);
  event.set_aggregate_version(record.version + 1);
  v1::VisitCorrected* x = event.mutable_visit_corrected();
  *x = Correction(*previous, verdict, request.reason(), c.locked_periods);
  v1::CorrectVisitResponse out;
  *out.mutable_visit() = x->visit();
  *out.mutable_exceptions() = x->exceptions();
  out.set_adjusts_period(x->adjusts_period());
  return VisitDecision<v1::CorrectVisitResponse>({std::move(event)},
                                                 std::move(out));
}

}  // namespace lov::visits
