// A needs-assessment decision (biståndsbeslut) is registered for a client:
// the categories and hours granted, from when. Categories the client's
// provider can take on are extended to it at once.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"

namespace lov::choice {
namespace {

// A decision id is registered once, and decisions of a client never
// overlap in time.
absl::Status RequireNewAndApart(const v1::Client& c, const v1::Decision& d) {
  for (const auto& existing : c.decisions()) {
    if (existing.decision_id() == d.decision_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("decision.decision_id: '", d.decision_id(),
                       "' is already registered for this client "
                       "(ChangeDecision changes it)"));
    }
    const bool overlaps =
        (existing.valid_to().empty() ||
         existing.valid_to() >= d.valid_from()) &&
        (d.valid_to().empty() || d.valid_to() >= existing.valid_from());
    if (overlaps) {
      return absl::FailedPreconditionError(absl::StrCat(
          "decision: overlaps decision ", existing.decision_id(), " (from ",
          existing.valid_from(), "); change or end it first"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::RegisterDecision(
    const v1::RegisterDecisionRequest& request) {
  const v1::Decision& d = request.decision();
  return ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx, ClientPlan* plan) {
        if (absl::Status s = RequireDecisionAllowed(c, d, ctx); !s.ok()) {
          return s;
        }
        if (absl::Status s = RequireNewAndApart(c, d); !s.ok()) return s;
        v1::ChoiceEvent e;
        auto* p = e.mutable_decision_registered();
        p->set_client_id(c.client_id());
        *p->mutable_decision() = d;
        plan->events.push_back(std::move(e));
        return PlanCategoryExtension(c, ctx, d, plan);
      });
}

}  // namespace lov::choice
