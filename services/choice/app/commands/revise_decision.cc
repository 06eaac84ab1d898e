// A case officer records a new decision from a date for a client who keeps
// the provider (the support level or the granted time changes from that
// day): the decision in force that day ends the day before, the new one
// starts that day, and the assignments run on. Categories the new decision
// adds are extended to the client's provider as on registration.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// The decision `id`, in force on `from` and starting before it.
absl::StatusOr<v1::Decision> DecisionInForce(const v1::Client& c,
                                             const std::string& id,
                                             const std::string& from) {
  for (const auto& d : c.decisions()) {
    if (d.decision_id() != id) continue;
    if (d.valid_from() >= from ||
        (!d.valid_to().empty() && d.valid_to() < from)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "decision_id: decision '", id, "' runs ", d.valid_from(), "..",
          d.valid_to().empty() ? "(open)" : d.valid_to(),
          "; a revision starts on a day inside it, after its first day (",
          "ChangeDecision changes it from its first day)"));
    }
    return d;
  }
  return absl::NotFoundError(
      absl::StrCat("decision_id: no decision '", id, "' for this client"));
}

// The new decision is new, and overlaps no decision but the one it ends.
absl::Status RequireNewAndApart(const v1::Client& c, const v1::Decision& d,
                                const std::string& ended_id) {
  for (const auto& existing : c.decisions()) {
    if (existing.decision_id() == d.decision_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("decision.decision_id: '", d.decision_id(),
                       "' is already registered for this client"));
    }
    if (existing.decision_id() == ended_id) continue;
    if ((existing.valid_to().empty() ||
         existing.valid_to() >= d.valid_from()) &&
        (d.valid_to().empty() || d.valid_to() >= existing.valid_from())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "decision: overlaps decision ", existing.decision_id(), " (from ",
          existing.valid_from(), "); change or end it first"));
    }
  }
  return absl::OkStatus();
}

// The assignments run on, so the new decision grants what they serve.
absl::Status RequireServedCategoriesGranted(const v1::Client& c,
                                            const v1::Decision& d) {
  const std::vector<std::string> granted = CategoriesOf(d);
  for (const v1::Assignment* a : AssignmentsFrom(c, d.valid_from())) {
    for (const std::string& category : a->category_ids()) {
      if (std::find(granted.begin(), granted.end(), category) !=
          granted.end()) {
        continue;
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "decision.categories: assignment ", a->assignment_id(), " serves '",
          category, "' on ", d.valid_from(),
          "; a revision keeps the assignments, so grant it (or end it with "
          "ChangeDecision)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::ReviseDecision(
    const v1::ReviseDecisionRequest& request) {
  return ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx,
          ClientPlan* plan) -> absl::Status {
        if (request.effective_date().empty()) {
          return absl::InvalidArgumentError("effective_date: is required");
        }
        absl::StatusOr<absl::CivilDay> from =
            DateOr("effective_date", request.effective_date(), ctx.today);
        if (!from.ok()) return from.status();
        const std::string from_text = FormatDate(*from);
        v1::Decision d = request.decision();
        if (!d.valid_from().empty() && d.valid_from() != from_text) {
          return absl::InvalidArgumentError(absl::StrCat(
              "decision.valid_from: leave it empty or give effective_date (",
              from_text, ")"));
        }
        absl::StatusOr<v1::Decision> ended =
            DecisionInForce(c, request.decision_id(), from_text);
        if (!ended.ok()) return ended.status();
        d.set_valid_from(from_text);
        if (d.valid_to().empty()) d.set_valid_to(ended->valid_to());
        ended->set_valid_to(FormatDate(*from - 1));
        if (absl::Status s = RequireDecisionAllowed(c, d, ctx); !s.ok()) {
          return s;
        }
        if (absl::Status s = RequireNewAndApart(c, d, ended->decision_id());
            !s.ok()) {
          return s;
        }
        if (absl::Status s = RequireServedCategoriesGranted(c, d); !s.ok()) {
          return s;
        }
        v1::ChoiceEvent revised;
        auto* p = revised.mutable_decision_revised();
        p->set_client_id(c.client_id());
        *p->mutable_ended() = *std::move(ended);
        *p->mutable_decision() = d;
        plan->events.push_back(std::move(revised));
        return PlanCategoryExtension(c, ctx, d, plan);
      });
}

}  // namespace lov::choice
