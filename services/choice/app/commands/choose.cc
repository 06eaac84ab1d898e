// A client chooses a provider (val), or chooses again (omval): one
// assignment per group of categories, taking a capacity slot with the
// provider. Choosing in an open re-choice case closes it.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// When a choice for one group of categories takes effect, and why.
struct ChoiceStart {
  absl::CivilDay from;
  v1::AssignmentReason reason = v1::ASSIGNMENT_REASON_CHOSEN;
  const v1::Assignment* replaced = nullptr;
  bool closes_case = false;
};

// A client choosing for the first time: from the day asked, else today or
// the decision's first day.
absl::StatusOr<ChoiceStart> FirstChoice(const v1::ChooseRequest& request,
                                        const ChoiceContext& ctx,
                                        const v1::Decision& decision) {
  absl::StatusOr<absl::CivilDay> from =
      DateOr("effective_date", request.effective_date(),
             std::max(ctx.today, Day(decision.valid_from())));
  if (!from.ok()) return from.status();
  return ChoiceStart{.from = *from};
}

// A client choosing again: in an open re-choice case from the day the
// provider leaves; otherwise by the municipality's re-choice rule and cap.
absl::StatusOr<ChoiceStart> Rechoice(const v1::ChooseRequest& request,
                                     const v1::Client& c,
                                     const ChoiceContext& ctx,
                                     const v1::Assignment& current,
                                     absl::Time now) {
  if (!request.effective_date().empty()) {
    return absl::InvalidArgumentError(
        "effective_date: a re-choice takes effect by the "
        "municipality's re-choice rule; leave it empty");
  }
  if (current.valid_from() > FormatDate(ctx.today)) {
    return absl::FailedPreconditionError(
        absl::StrCat("a change to provider ", current.provider_id(), " from ",
                     current.valid_from(),
                     " is already pending; choose again once it has started"));
  }
  if (current.provider_id() == request.provider_id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the client is already served by provider '",
                     request.provider_id(), "'"));
  }
  ChoiceStart start{.reason = v1::ASSIGNMENT_REASON_RE_CHOSEN,
                    .replaced = &current};
  const v1::RechoiceCase* open = OpenCase(c);
  if (open != nullptr && open->provider_id() == current.provider_id()) {
    // Choosing in a re-choice case: the switch happens when the provider
    // leaves; it does not count towards a re-choice cap.
    start.from = Day(open->effective_date());
    start.closes_case = true;
    return start;
  }
  if (absl::Status s = CheckRechoiceCap(
          {c.rechoices_reported_on().begin(), c.rechoices_reported_on().end()},
          ctx.today, ctx.policy.max_rechoices_per_12_months());
      !s.ok()) {
    return s;
  }
  start.from = RechoiceEffectiveDate(ctx.policy, ReportedOn(now));
  return start;
}

absl::Status RequireWithinDecision(const v1::Decision& decision,
                                   const std::string& from) {
  if (from < decision.valid_from() ||
      (!decision.valid_to().empty() && from > decision.valid_to())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the choice would take effect on ", from,
        ", outside the client's decision ", decision.decision_id(), " (",
        decision.valid_from(), " to ",
        decision.valid_to().empty() ? "open" : decision.valid_to(), ")"));
  }
  return absl::OkStatus();
}

// The chosen provider serves `group` from `start.from` in the zone the
// client lives in then, if it may be chosen there; the client's slot with
// it is taken once, for the first group.
absl::Status PlanChosenGroup(ChoiceStore& store,
                             const v1::ChooseRequest& request,
                             const v1::Client& c, const ChoiceContext& ctx,
                             const reg::Provider& provider,
                             const std::vector<std::string>& group,
                             const ChoiceStart& start, ClientPlan* plan) {
  const std::string from = FormatDate(start.from);
  const int64_t minutes = GrantedMinutes(c, group, from);
  const std::string zone = ZoneOn(c, from);
  absl::StatusOr<Standing> standing = StandingFor(
      store, ctx, provider, zone, group, start.from, c.client_id(), minutes);
  if (!standing.ok()) return standing.status();
  if (!standing->selectable) {
    return absl::FailedPreconditionError(
        absl::StrCat("provider '", provider.provider_id(),
                     "' is not eligible for this client in zone ", zone, " on ",
                     from, ": ", absl::StrJoin(standing->reasons, "; ")));
  }
  if (plan->reservations.empty()) {
    absl::StatusOr<Reservation> r =
        store.Reserve(provider.provider_id(), zone, c.client_id(), start.from,
                      standing->limits(), minutes, plan->tag);
    if (!r.ok()) return r.status();
    plan->reservations.push_back(*r);
  }
  v1::ChoiceEvent started = StartAssignment(
      c.client_id(), provider.provider_id(), zone, group, from, start.reason);
  if (start.replaced != nullptr) {
    Replaces(*start.replaced, start.from, &started);
  }
  auto* p = started.mutable_assignment_started();
  p->set_list_seed(request.list_seed());
  p->set_reported_on(FormatDate(ctx.today));
  plan->events.push_back(std::move(started));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ChooseResponse> ChoiceApp::Choose(
    const v1::ChooseRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  std::vector<v1::ChoiceEvent> published;
  absl::StatusOr<v1::Client> client = ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx,
          ClientPlan* plan) -> absl::Status {
        const std::string today = FormatDate(ctx.today);
        absl::StatusOr<const v1::Decision*> decision =
            DecisionToServe(c, today);
        if (!decision.ok()) return decision.status();
        absl::StatusOr<std::vector<std::vector<std::string>>> groups =
            ChoiceGroups(ctx.policy, **decision, request.category_ids());
        if (!groups.ok()) return groups.status();
        const reg::Provider* provider = ctx.Provider(request.provider_id());
        if (provider == nullptr) {
          return absl::NotFoundError(absl::StrCat("provider_id: no provider '",
                                                  request.provider_id(), "'"));
        }
        bool closes_case = false;
        for (const auto& group : *groups) {
          const v1::Assignment* current =
              CurrentAssignment(c, group.front(), today);
          absl::StatusOr<ChoiceStart> start =
              current == nullptr
                  ? FirstChoice(request, ctx, **decision)
                  : Rechoice(request, c, ctx, *current, clock_->Now());
          if (!start.ok()) return start.status();
          closes_case |= start->closes_case;
          if (absl::Status s =
                  RequireWithinDecision(**decision, FormatDate(start->from));
              !s.ok()) {
            return s;
          }
          if (absl::Status s = PlanChosenGroup(*store_, request, c, ctx,
                                               *provider, group, *start, plan);
              !s.ok()) {
            return s;
          }
        }
        if (closes_case) {
          plan->events.push_back(
              CaseClosed(c.client_id(), OpenCase(c)->case_id(), "re-chosen"));
        }
        return absl::OkStatus();
      },
      &published);
  if (!client.ok()) return client.status();
  return WithStarted<v1::ChooseResponse>(*client, published);
}

}  // namespace lov::choice
