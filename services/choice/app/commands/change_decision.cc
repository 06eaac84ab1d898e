// A client's decision is changed (hours, categories or its last day): the
// whole new version. Assignments past a new last day end with it, and
// re-choice cases that would take effect after it are withdrawn.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

absl::Status RequireKnownDecision(const v1::Client& c, const v1::Decision& d) {
  for (const auto& existing : c.decisions()) {
    if (existing.decision_id() == d.decision_id()) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("decision.decision_id: no decision '",
                                          d.decision_id(),
                                          "' for this client"));
}

// The decision now ends on its valid_to: what runs past it ends too.
void PlanDecisionEnd(const v1::Client& c, const v1::Decision& d,
                     ClientPlan* plan) {
  const std::string after_end = FormatDate(Day(d.valid_to()) + 1);
  for (const v1::Assignment* a : AssignmentsFrom(c, after_end)) {
    plan->events.push_back(
        EndAssignment(*a, d.valid_to(), v1::END_REASON_DECISION_ENDED));
  }
  for (const auto& rc : c.cases()) {
    if (rc.status() == v1::CASE_STATUS_OPEN &&
        rc.effective_date() > d.valid_to()) {
      plan->events.push_back(
          CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
    }
  }
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::ChangeDecision(
    const v1::ChangeDecisionRequest& request) {
  return ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx,
          ClientPlan* plan) -> absl::Status {
        const v1::Decision& d = request.decision();
        if (absl::Status s = RequireDecisionAllowed(c, d, ctx); !s.ok()) {
          return s;
        }
        if (absl::Status s = RequireKnownDecision(c, d); !s.ok()) return s;
        v1::ChoiceEvent changed;
        changed.mutable_decision_changed()->set_client_id(c.client_id());
        *changed.mutable_decision_changed()->mutable_decision() = d;
        plan->events.push_back(std::move(changed));
        if (absl::Status s = PlanCategoryExtension(c, ctx, d, plan); !s.ok()) {
          return s;
        }
        if (!d.valid_to().empty()) PlanDecisionEnd(c, d, plan);
        return absl::OkStatus();
      });
}

}  // namespace lov::choice
