// A client moves to another zone from a day. Each provider serving the
// client that is approved and has room in the new zone keeps the client
// (ASSIGNMENT_REASON_TRANSFERRED); otherwise a re-choice case is opened.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// The first day in the new zone, once the move itself is allowed.
absl::StatusOr<absl::CivilDay> MoveDate(
    const v1::ChangeClientZoneRequest& request, const v1::Client& c,
    const ChoiceContext& ctx) {
  if (absl::Status s = RequireZone(ctx.municipality, request.zone_id());
      !s.ok()) {
    return s;
  }
  if (request.zone_id() == c.zone_id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the client already lives in zone ", c.zone_id()));
  }
  if (request.effective_date().empty()) {
    return absl::InvalidArgumentError("effective_date: is required");
  }
  absl::StatusOr<absl::CivilDay> from =
      DateOr("effective_date", request.effective_date(), ctx.today);
  if (!from.ok()) return from.status();
  const std::string from_text = FormatDate(*from);
  for (const auto& earlier : c.zone_moves()) {
    if (earlier.effective_date() >= from_text) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a move to zone ", earlier.zone_id(), " from ",
          earlier.effective_date(),
          " is already recorded; a new move must take effect after it"));
    }
  }
  return from;
}

// Takes a slot for the client with the assignment's provider in the new
// zone if it may serve there; false (with the reasons in `standing`) if it
// may not or has no room.
absl::StatusOr<bool> TakeSlotInNewZone(
    ChoiceStore& store, const ChoiceContext& ctx, const v1::Client& c,
    const v1::Assignment& a, const std::string& zone_id, absl::CivilDay from,
    Standing* standing, ClientPlan* plan) {
  const std::vector<std::string> cats(a.category_ids().begin(),
                                      a.category_ids().end());
  const int64_t minutes = GrantedMinutes(c, cats, FormatDate(from));
  if (const reg::Provider* provider = ctx.Provider(a.provider_id())) {
    absl::StatusOr<Standing> st = StandingFor(
        store, ctx, *provider, zone_id, cats, from, c.client_id(), minutes);
    if (!st.ok()) return st.status();
    *standing = std::move(*st);
  }
  if (!standing->selectable) return false;
  absl::StatusOr<Reservation> r =
      store.Reserve(a.provider_id(), zone_id, c.client_id(), from,
                    standing->limits(), minutes, plan->tag);
  if (r.ok()) {
    plan->reservations.push_back(*r);
    return true;
  }
  if (!absl::IsFailedPrecondition(r.status())) return r.status();
  standing->reasons.push_back(std::string(r.status().message()));
  return false;
}

v1::ChoiceEvent Transferred(const v1::Client& c, const v1::Assignment& a,
                            const std::string& zone_id, absl::CivilDay from) {
  const std::vector<std::string> cats(a.category_ids().begin(),
                                      a.category_ids().end());
  v1::ChoiceEvent started =
      StartAssignment(c.client_id(), a.provider_id(), zone_id, cats,
                      FormatDate(from), v1::ASSIGNMENT_REASON_TRANSFERRED);
  Replaces(a, from, &started);
  auto* why = started.mutable_assignment_started()->mutable_explanation();
  why->add_candidates_in_order(a.provider_id());
  why->set_chosen_provider_id(a.provider_id());
  why->set_trigger(absl::StrCat("client moved from zone ", c.zone_id(), " to ",
                                zone_id,
                                "; the provider serves the new zone too"));
  return started;
}

v1::ChoiceEvent CaseForMove(const v1::Client& c, const v1::Assignment& a,
                            const std::string& zone_id, absl::CivilDay from,
                            const ChoiceContext& ctx,
                            const Standing& standing) {
  return CaseOpened(
      c.client_id(),
      {.case_id = "rc-" + NewUuid().substr(0, 8),
       .provider_id = a.provider_id(),
       .zone_id = zone_id,
       .deadline = FormatDate(RechoiceDeadline(
           from, ctx.policy.rechoice_deadline_lead_days(), ctx.today)),
       .effective_date = FormatDate(from),
       .cause = absl::StrCat(
           "client moved from zone ", c.zone_id(), " to ", zone_id,
           "; provider ", a.provider_id(), " cannot serve there: ",
           standing.reasons.empty() ? "not approved there"
                                    : absl::StrJoin(standing.reasons, "; "))});
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::ChangeClientZone(
    const v1::ChangeClientZoneRequest& request) {
  return ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx,
          ClientPlan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        absl::StatusOr<absl::CivilDay> from = MoveDate(request, c, ctx);
        if (!from.ok()) return from.status();
        const std::string& zone = request.zone_id();
        v1::ChoiceEvent moved;
        auto* m = moved.mutable_client_zone_changed();
        m->set_client_id(c.client_id());
        m->set_previous_zone_id(c.zone_id());
        m->set_zone_id(zone);
        m->set_effective_date(FormatDate(*from));
        plan->events.push_back(std::move(moved));
        for (const v1::Assignment* a : AssignmentsFrom(c, FormatDate(*from))) {
          Standing standing;
          absl::StatusOr<bool> kept = TakeSlotInNewZone(
              *store_, ctx, c, *a, zone, *from, &standing, plan);
          if (!kept.ok()) return kept.status();
          plan->events.push_back(
              *kept ? Transferred(c, *a, zone, *from)
                    : CaseForMove(c, *a, zone, *from, ctx, standing));
        }
        return absl::OkStatus();
      });
}

}  // namespace lov::choice
