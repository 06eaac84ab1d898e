// A controller reviews the exceptions of a visit's current version
// (granskning av avvikelser): accepted, or queried with the provider.
#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/requests.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {
namespace {

absl::Status CheckReviewRequest(const v1::ReviewExceptionsRequest& request) {
  if (request.outcome() == v1::REVIEW_OUTCOME_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "outcome: ACCEPTED or QUERIED is required");
  }
  if (request.outcome() == v1::REVIEW_OUTCOME_QUERIED &&
      request.note().empty()) {
    return absl::InvalidArgumentError(
        "note: say what is queried with the provider");
  }
  return RefusePersonnummerIn(request, {"reviewed_by", "note"});
}

// Only the exceptions of the current version, and only once.
absl::Status CheckNotReviewed(const std::string& visit_id,
                              const v1::Visit& current,
                              const std::optional<v1::ExceptionEntry>& entry) {
  if (!entry || entry->exceptions().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", visit_id, " version ", current.version(),
                     " has no exceptions to review"));
  }
  if (entry->has_review()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the exceptions of visit ", visit_id, " version ", current.version(),
        " were already reviewed by ", entry->review().reviewed_by(), " (",
        v1::ReviewOutcome_Name(entry->review().outcome()).substr(15), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VisitsApp::Reviewable> VisitsApp::LoadReviewable(
    const std::string& visit_id) {
  Reviewable out;
  absl::StatusOr<v1::Visit> current = CurrentVisit(visit_id, &out.record);
  if (!current.ok()) return current.status();
  out.current = std::move(*current);
  absl::StatusOr<std::vector<v1::VisitEvent>> h = store_->History(visit_id);
  if (!h.ok()) return h.status();
  out.entry = ExceptionEntryOf(*h);
  return out;
}

absl::StatusOr<v1::ExceptionEntry> VisitsApp::ReviewExceptions(
    const v1::ReviewExceptionsRequest& request) {
  const std::string reviewer = AccountableName(request.reviewed_by());
  if (absl::Status s = RequireVisitCommand(request, reviewer, "reviewed_by");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckReviewRequest(request); !s.ok()) return s;
  const std::string id = VisitIdOf(request.provider_id(), request.report_id());
  return runner_.Run<v1::ExceptionEntry>(
      Command::ByRequest(id, request, request.request_id()),
      [&](const std::string&)
          -> absl::StatusOr<std::optional<v1::ExceptionEntry>> {
        // A retry answers with the entry as it is now; without one it is
        // decided again (and refused).
        absl::StatusOr<Reviewable> visit = LoadReviewable(id);
        if (!visit.ok()) return visit.status();
        return visit->entry;
      },
      [&]() -> absl::StatusOr<VisitDecision<v1::ExceptionEntry>> {
        absl::StatusOr<Reviewable> visit = LoadReviewable(id);
        if (!visit.ok()) return visit.status();
        if (absl::Status s = CheckNotReviewed(id, visit->current, visit->entry);
            !s.ok()) {
          return s;
        }
        v1::VisitEvent event;
        event.set_aggregate_id(id);
        event.set_aggregate_version(visit->record.version + 1);
        v1::ExceptionsReviewed* r = event.mutable_exceptions_reviewed();
        r->set_visit_id(id);
        r->set_provider_id(request.provider_id());
        r->set_visit_version(visit->current.version());
        for (const auto& x : visit->entry->exceptions()) r->add_codes(x.code());
        r->set_outcome(request.outcome());
        r->set_note(request.note());
        r->set_reviewed_by(reviewer);
        v1::ExceptionEntry entry = std::move(*visit->entry);
        *entry.mutable_review() = *r;
        return VisitDecision<v1::ExceptionEntry>({std::move(event)},
                                                 std::move(entry));
      });
}

}  // namespace lov::visits
