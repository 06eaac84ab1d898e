// A client who does not choose is allocated a provider by the
// municipality's non-choice policy (icke-valsalternativ): in-house,
// rotation or the zone's designated provider, with the reasons recorded.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// Non-choice allocation is for clients with no provider in any category.
absl::Status RequireNoProvider(const v1::Client& c,
                               const std::vector<std::string>& categories,
                               const std::string& today) {
  for (const auto& cat : categories) {
    if (const v1::Assignment* a = CurrentAssignment(c, cat, today)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the client already has a provider for ", cat, " ('",
                       a->provider_id(), "' from ", a->valid_from(),
                       "); non-choice allocation is for clients without one"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AllocateNonChoiceResponse> ChoiceApp::AllocateNonChoice(
    const v1::AllocateNonChoiceRequest& request) {
  std::vector<v1::ChoiceEvent> published;
  absl::StatusOr<v1::Client> client = ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx,
          ClientPlan* plan) -> absl::Status {
        const std::string today = FormatDate(ctx.today);
        absl::StatusOr<const v1::Decision*> decision =
            DecisionToServe(c, today);
        if (!decision.ok()) return decision.status();
        const std::vector<std::string> categories = CategoriesOf(**decision);
        if (absl::Status s = RequireNoProvider(c, categories, today); !s.ok()) {
          return s;
        }
        absl::StatusOr<absl::CivilDay> from =
            DateOr("effective_date", request.effective_date(),
                   std::max(ctx.today, Day((*decision)->valid_from())));
        if (!from.ok()) return from.status();
        return PlanAllocation(c, ctx,
                              {.zone_id = ZoneOn(c, FormatDate(*from)),
                               .category_ids = categories,
                               .from = *from,
                               .trigger = "the client did not choose",
                               .reason = v1::ASSIGNMENT_REASON_NON_CHOICE},
                              plan);
      },
      &published);
  if (!client.ok()) return client.status();
  v1::AllocateNonChoiceResponse out =
      WithStarted<v1::AllocateNonChoiceResponse>(*client, published);
  for (const auto& e : published) {
    if (e.has_assignment_started()) {
      *out.mutable_explanation() = e.assignment_started().explanation();
    }
  }
  return out;
}

}  // namespace lov::choice
