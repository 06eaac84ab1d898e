#include "lov/choice/app/choice_app.h"

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/choice/domain/allocation.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

namespace reg = ::lov::registry::v1;

// RechoiceCaseClosed with its outcome ("re-chosen", "allocated",
// "withdrawn").
v1::ChoiceEvent CaseClosed(const std::string& client_id,
                           const std::string& case_id,
                           const std::string& outcome) {
  v1::ChoiceEvent closed;
  auto* p = closed.mutable_rechoice_case_closed();
  p->set_client_id(client_id);
  p->set_case_id(case_id);
  p->set_outcome(outcome);
  return closed;
}

// AssignmentStarted for a new assignment (a fresh id, open-ended).
v1::ChoiceEvent StartAssignment(const std::string& client_id,
                                const std::string& provider_id,
                                const std::string& zone_id,
                                const std::vector<std::string>& category_ids,
                                const std::string& valid_from,
                                v1::AssignmentReason reason) {
  v1::ChoiceEvent started;
  v1::Assignment* a =
      started.mutable_assignment_started()->mutable_assignment();
  a->set_assignment_id("asg-" + NewUuid());
  a->set_client_id(client_id);
  a->set_provider_id(provider_id);
  a->set_zone_id(zone_id);
  for (const auto& cat : category_ids) a->add_category_ids(cat);
  a->set_valid_from(valid_from);
  a->set_reason(reason);
  return started;
}

constexpr char kPolicyAggregate[] = "policy";
constexpr char kZoneHealthAggregate[] = "zone-health";

absl::Status RequireClientId(const std::string& client_id) {
  if (client_id.empty()) {
    return absl::InvalidArgumentError("client_id: is required");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> DateOr(const std::string& field,
                                      const std::string& text,
                                      absl::CivilDay fallback) {
  if (text.empty()) return fallback;
  absl::StatusOr<absl::CivilDay> day = ParseDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", day.status().message()));
  }
  return *day;
}

absl::CivilDay Day(const std::string& text) {
  absl::StatusOr<absl::CivilDay> d = ParseDate(text);
  return d.ok() ? *d : absl::CivilDay();
}

std::vector<std::string> CategoriesOf(const v1::Decision& d) {
  std::vector<std::string> out;
  for (const auto& g : d.categories()) out.push_back(g.category_id());
  return out;
}

absl::Status RequireActive(const v1::Client& c) {
  if (c.status() == v1::CLIENT_STATUS_ENDED) {
    return absl::FailedPreconditionError(
        absl::StrCat("client '", c.client_id(), "' has ended (", c.ended_on(),
                     "): no changes are possible"));
  }
  return absl::OkStatus();
}

absl::Status RequireZone(const reg::Municipality& m,
                         const std::string& zone_id) {
  if (zone_id.empty())
    return absl::InvalidArgumentError("zone_id: is required");
  for (const auto& z : m.zones()) {
    if (z.zone_id() == zone_id) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("zone_id: unknown zone '",
                                                 zone_id, "' in municipality ",
                                                 m.municipality_id()));
}

// The categories a choice covers, as the groups that get one assignment
// each: all together when one provider serves all, else one per category.
absl::StatusOr<std::vector<std::vector<std::string>>> ChoiceGroups(
    const v1::ChoicePolicy& policy, const v1::Decision& decision,
    const google::protobuf::RepeatedPtrField<std::string>& requested) {
  const std::vector<std::string> all = CategoriesOf(decision);
  if (policy.one_provider_for_all_categories()) {
    std::set<std::string> a(all.begin(), all.end());
    std::set<std::string> r(requested.begin(), requested.end());
    if (!requested.empty() && a != r) {
      return absl::InvalidArgumentError(
          "category_ids: the municipality has one provider for all of a "
          "client's categories; leave empty or list all of the decision's");
    }
    return std::vector<std::vector<std::string>>{all};
  }
  std::vector<std::vector<std::string>> groups;
  if (requested.empty()) {
    for (const auto& c : all) groups.push_back({c});
    return groups;
  }
  for (const auto& c : requested) {
    if (std::find(all.begin(), all.end(), c) == all.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "category_ids: '", c, "' is not granted by the client's decision ",
          decision.decision_id()));
    }
    groups.push_back({c});
  }
  return groups;
}

std::vector<std::string> ZonesTouched(
    const std::vector<v1::ChoiceEvent>& events) {
  std::set<std::string> zones;
  for (const auto& e : events) {
    if (e.has_assignment_started()) {
      zones.insert(e.assignment_started().assignment().zone_id());
      if (e.assignment_started().has_ended()) {
        zones.insert(e.assignment_started().ended().zone_id());
      }
    }
    if (e.has_assignment_ended()) {
      zones.insert(e.assignment_ended().assignment().zone_id());
    }
  }
  return {zones.begin(), zones.end()};
}

}  // namespace

const reg::Provider* ChoiceApp::Context::Provider(const std::string& id) const {
  for (const auto& p : providers) {
    if (p.provider_id() == id) return &p;
  }
  return nullptr;
}

absl::CivilDay ChoiceApp::Today() const { return StockholmDate(clock_->Now()); }

v1::ChoiceEvent ChoiceApp::NewEvent(const std::string& aggregate_id,
                                    int64_t version,
                                    const std::string& request_id,
                                    const std::string& fingerprint) const {
  v1::ChoiceEvent e;
  FillEnvelope(&e, aggregate_id, version, request_id, fingerprint,
               clock_->Now());
  return e;
}

absl::StatusOr<std::string> ChoiceApp::PreviousResult(
    const std::string& request_id, const std::string& fingerprint) {
  absl::StatusOr<std::optional<RequestRecord>> seen =
      store_->GetRequest(request_id);
  if (!seen.ok()) return seen.status();
  return MatchPreviousRequest(*seen, request_id, fingerprint);
}

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::CurrentPolicy() {
  absl::StatusOr<std::optional<v1::ChoicePolicy>> p = store_->GetPolicy();
  if (!p.ok()) return p.status();
  return p->has_value() ? **p : DefaultPolicy();
}

absl::StatusOr<ChoiceApp::Context> ChoiceApp::LoadContext() {
  Context ctx;
  absl::StatusOr<std::optional<reg::Municipality>> m =
      store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::FailedPreconditionError(
        "the municipality is not set up in the registry yet");
  }
  ctx.municipality = **m;
  absl::StatusOr<std::vector<reg::Provider>> providers =
      store_->ListProviders();
  if (!providers.ok()) return providers.status();
  ctx.providers = std::move(*providers);
  absl::StatusOr<v1::ChoicePolicy> policy = CurrentPolicy();
  if (!policy.ok()) return policy.status();
  ctx.policy = *policy;
  ctx.today = Today();
  ctx.in_house_provider_id = ctx.policy.in_house_provider_id().empty()
                                 ? ctx.municipality.in_house_provider_id()
                                 : ctx.policy.in_house_provider_id();
  return ctx;
}

absl::StatusOr<std::vector<Standing>> ChoiceApp::Standings(
    const Context& ctx, const std::string& zone_id,
    const std::vector<std::string>& category_ids, absl::CivilDay day,
    int64_t client_minutes) {
  std::vector<std::string> ids;
  for (const auto& p : ctx.providers) ids.push_back(p.provider_id());
  absl::StatusOr<std::map<std::string, Occupancy>> occupied =
      store_->Occupied(ids, zone_id, day);
  if (!occupied.ok()) return occupied.status();
  std::vector<Standing> out;
  for (const auto& p : ctx.providers) {
    out.push_back(StandingOf(ctx.municipality, p, zone_id, category_ids, day,
                             (*occupied)[p.provider_id()], client_minutes));
  }
  return out;
}

absl::Status ChoiceApp::PlanCategoryExtension(const v1::Client& c,
                                              const Context& ctx,
                                              const v1::Decision& d,
                                              Plan* plan) {
  const absl::CivilDay from = std::max(ctx.today, Day(d.valid_from()));
  const std::string from_text = FormatDate(from);
  if (!d.valid_to().empty() && from_text > d.valid_to()) {
    return absl::OkStatus();
  }
  // What serves the client from then on: one running, open-ended
  // assignment's provider, and no change pending.
  std::set<std::string> covered;
  const v1::Assignment* running = nullptr;
  for (const v1::Assignment* a : AssignmentsFrom(c, from_text)) {
    if (a->valid_from() > from_text || !a->valid_to().empty()) {
      return absl::OkStatus();  // a switch or an end is pending: choose
    }
    if (running != nullptr && running->provider_id() != a->provider_id()) {
      return absl::OkStatus();  // several providers: choose per category
    }
    running = a;
    covered.insert(a->category_ids().begin(), a->category_ids().end());
  }
  if (running == nullptr) return absl::OkStatus();
  std::vector<std::string> missing;
  for (const auto& g : d.categories()) {
    if (!covered.contains(g.category_id())) missing.push_back(g.category_id());
  }
  if (missing.empty()) return absl::OkStatus();
  const reg::Provider* provider = ctx.Provider(running->provider_id());
  if (provider == nullptr) return absl::OkStatus();
  // Caps aside: the client already holds its slot with the provider.
  const Standing standing =
      StandingOf(ctx.municipality, *provider, running->zone_id(), missing, from,
                 Occupancy());
  if (!standing.accepting) {
    log::Info(
        "decision grants categories the client's provider cannot "
        "take; the client chooses for them",
        {{"client_id", c.client_id()},
         {"provider_id", provider->provider_id()},
         {"categories", absl::StrJoin(missing, ",")},
         {"why", absl::StrJoin(standing.reasons, "; ")}});
    return absl::OkStatus();
  }
  v1::ChoiceEvent started = StartAssignment(
      c.client_id(), provider->provider_id(), running->zone_id(), missing,
      from_text, v1::ASSIGNMENT_REASON_EXTENDED);
  auto* p = started.mutable_assignment_started();
  // Granted by this decision only: served while it runs.
  p->mutable_assignment()->set_valid_to(d.valid_to());
  p->set_reported_on(FormatDate(ctx.today));
  plan->events.push_back(std::move(started));
  return absl::OkStatus();
}

absl::StatusOr<Standing> ChoiceApp::StandingFor(
    const Context& ctx, const reg::Provider& provider,
    const std::string& zone_id, const std::vector<std::string>& cats,
    absl::CivilDay day, int64_t client_minutes) {
  absl::StatusOr<std::map<std::string, Occupancy>> occupied =
      store_->Occupied({provider.provider_id()}, zone_id, day);
  if (!occupied.ok()) return occupied.status();
  return StandingOf(ctx.municipality, provider, zone_id, cats, day,
                    (*occupied)[provider.provider_id()], client_minutes);
}

void ChoiceApp::ReleaseAll(const Plan& plan) {
  for (const auto& r : plan.reservations) {
    if (absl::Status s = store_->Release(r); !s.ok()) {
      log::Error("could not give back a capacity slot",
                 {{"provider_id", r.provider_id},
                  {"zone_id", r.zone_id},
                  {"client_id", r.client_id},
                  {"error", s}});
    }
  }
}

absl::Status ChoiceApp::PublishAndApply(std::vector<v1::ChoiceEvent> events) {
  if (absl::Status s = publisher_->Publish(events); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the change was not stored (event log unavailable: ", s.message(),
        "); nothing was changed, retry with the same request_id"));
  }
  for (const auto& e : events) {
    if (absl::Status s = store_->Apply(e); !s.ok()) {
      // The event is durable; the consumer will bring the state up to date.
      log::Warn("state update after publish failed; the consumer will apply it",
                {{"event_id", e.event_id()}, {"error", s}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Client> ChoiceApp::ChangeClient(
    const std::string& fingerprint, const std::string& request_id,
    const std::string& client_id, const Decide& decide,
    std::vector<v1::ChoiceEvent>* published) {
  if (absl::Status s = RequireRequestId(request_id); !s.ok()) return s;
  if (absl::Status s = RequireClientId(client_id); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock = store_->Lock(client_id);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request_id, fingerprint);
  const bool retry = previous.ok();
  if (!retry && !absl::IsNotFound(previous.status())) return previous.status();
  absl::StatusOr<std::optional<v1::Client>> current =
      store_->GetClient(client_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("client_id: no client '", client_id, "'"));
  }
  if (retry) return **current;
  absl::StatusOr<Context> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  Plan plan;
  if (absl::Status s = decide(**current, *ctx, &plan); !s.ok()) {
    ReleaseAll(plan);
    return s;
  }
  if (plan.events.empty()) return **current;
  std::vector<v1::ChoiceEvent> events;
  int64_t version = (*current)->version();
  for (auto& payload : plan.events) {
    v1::ChoiceEvent e = NewEvent(client_id, ++version, request_id, fingerprint);
    e.MergeFrom(payload);
    events.push_back(std::move(e));
  }
  if (absl::Status s = PublishAndApply(events); !s.ok()) {
    ReleaseAll(plan);
    return s;
  }
  v1::Client after = **current;
  for (const auto& e : events) ApplyEvent(e, &after);
  plan.locks.clear();
  lock->reset();
  if (std::vector<std::string> zones = ZonesTouched(events); !zones.empty()) {
    if (absl::Status s = RefreshZoneHealth(zones); !s.ok()) {
      log::Warn("zone health not refreshed", {{"error", s}});
    }
  }
  if (published != nullptr) *published = std::move(events);
  return after;
}

// ---------------------------------------------------------------- clients

absl::StatusOr<v1::Client> ChoiceApp::RegisterClient(
    const v1::RegisterClientRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> pnr =
      NormalizePersonnummer(request.personnummer());
  if (!pnr.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("personnummer: ", pnr.status().message()));
  }
  absl::StatusOr<std::optional<reg::Municipality>> m =
      store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::FailedPreconditionError(
        "the municipality is not set up in the registry yet");
  }
  if (absl::Status s = RequireZone(**m, request.zone_id()); !s.ok()) return s;
  const std::string hmac = key_.Hmac(*pnr);
  // The fingerprint covers the keyed hash, never the number itself.
  v1::RegisterClientRequest masked = request;
  masked.set_personnummer(hmac);
  const std::string fingerprint = RequestFingerprint(masked);

  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock("pnr:" + hmac);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request.request_id(), fingerprint);
  absl::StatusOr<std::optional<std::string>> existing =
      store_->FindClientByHmac(hmac);
  if (!existing.ok()) return existing.status();
  if (previous.ok() && existing->has_value()) {
    absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(**existing);
    if (!c.ok()) return c.status();
    if (c->has_value()) return **c;
  }
  if (!previous.ok() && !absl::IsNotFound(previous.status())) {
    return previous.status();
  }
  if (existing->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "personnummer: this person is already registered as client '",
        **existing, "'"));
  }
  const std::string client_id = "cli-" + NewUuid();
  v1::ChoiceEvent event =
      NewEvent(client_id, 1, request.request_id(), fingerprint);
  auto* p = event.mutable_client_registered();
  p->set_client_id(client_id);
  p->set_zone_id(request.zone_id());
  p->set_personnummer_hmac(hmac);
  if (absl::Status s = PublishAndApply({event}); !s.ok()) return s;
  if (absl::Status s = store_->RememberPersonnummer(client_id, *pnr); !s.ok()) {
    log::Warn("personnummer not kept for display", {{"client_id", client_id}});
  }
  v1::Client client;
  ApplyEvent(event, &client);
  client.set_personnummer(*pnr);
  return client;
}

absl::StatusOr<v1::Client> ChoiceApp::GetClient(
    const v1::GetClientRequest& request) {
  if (absl::Status s = RequireClientId(request.client_id()); !s.ok()) return s;
  absl::StatusOr<std::optional<v1::Client>> c =
      store_->GetClient(request.client_id());
  if (!c.ok()) return c.status();
  if (!c->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("client_id: no client '", request.client_id(), "'"));
  }
  return **c;
}

absl::StatusOr<v1::Client> ChoiceApp::FindClient(
    const v1::FindClientRequest& request) {
  absl::StatusOr<std::string> pnr =
      NormalizePersonnummer(request.personnummer());
  if (!pnr.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("personnummer: ", pnr.status().message()));
  }
  absl::StatusOr<std::optional<std::string>> id =
      store_->FindClientByHmac(key_.Hmac(*pnr));
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    return absl::NotFoundError("personnummer: no client with this number");
  }
  absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(**id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) {
    return absl::NotFoundError("personnummer: no client with this number");
  }
  if ((*c)->personnummer().empty()) {
    // Lost in a state rebuild; the caller just proved it, keep it again.
    (void)store_->RememberPersonnummer(**id, *pnr);
    (*c)->set_personnummer(*pnr);
  }
  return **c;
}

absl::StatusOr<v1::Client> ChoiceApp::RegisterDecision(
    const v1::RegisterDecisionRequest& request) {
  return ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        const v1::Decision& d = request.decision();
        if (absl::Status s = ValidateDecision(d, ctx.municipality); !s.ok()) {
          return s;
        }
        for (const auto& existing : c.decisions()) {
          if (existing.decision_id() == d.decision_id()) {
            return absl::AlreadyExistsError(absl::StrCat(
                "decision.decision_id: '", d.decision_id(),
                "' is already registered for this client (ChangeDecision "
                "changes it)"));
          }
          const bool overlaps =
              (existing.valid_to().empty() ||
               existing.valid_to() >= d.valid_from()) &&
              (d.valid_to().empty() || d.valid_to() >= existing.valid_from());
          if (overlaps) {
            return absl::FailedPreconditionError(absl::StrCat(
                "decision: overlaps decision ", existing.decision_id(),
                " (from ", existing.valid_from(), "); change or end it first"));
          }
        }
        v1::ChoiceEvent e;
        auto* p = e.mutable_decision_registered();
        p->set_client_id(c.client_id());
        *p->mutable_decision() = d;
        plan->events.push_back(std::move(e));
        return PlanCategoryExtension(c, ctx, d, plan);
      });
}

absl::StatusOr<v1::Client> ChoiceApp::ChangeDecision(
    const v1::ChangeDecisionRequest& request) {
  return ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        const v1::Decision& d = request.decision();
        if (absl::Status s = ValidateDecision(d, ctx.municipality); !s.ok()) {
          return s;
        }
        bool found = false;
        for (const auto& existing : c.decisions()) {
          found |= existing.decision_id() == d.decision_id();
        }
        if (!found) {
          return absl::NotFoundError(
              absl::StrCat("decision.decision_id: no decision '",
                           d.decision_id(), "' for this client"));
        }
        v1::ChoiceEvent changed;
        changed.mutable_decision_changed()->set_client_id(c.client_id());
        *changed.mutable_decision_changed()->mutable_decision() = d;
        plan->events.push_back(std::move(changed));
        if (absl::Status s = PlanCategoryExtension(c, ctx, d, plan); !s.ok()) {
          return s;
        }
        if (d.valid_to().empty()) return absl::OkStatus();
        const std::string after_end = FormatDate(Day(d.valid_to()) + 1);
        for (const v1::Assignment* a : AssignmentsFrom(c, after_end)) {
          v1::ChoiceEvent ended;
          auto* p = ended.mutable_assignment_ended();
          *p->mutable_assignment() = *a;
          p->mutable_assignment()->set_valid_to(d.valid_to());
          p->set_reason(v1::END_REASON_DECISION_ENDED);
          plan->events.push_back(std::move(ended));
        }
        for (const auto& rc : c.cases()) {
          if (rc.status() == v1::CASE_STATUS_OPEN &&
              rc.effective_date() > d.valid_to()) {
            plan->events.push_back(
                CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
          }
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Client> ChoiceApp::ChangeClientZone(
    const v1::ChangeClientZoneRequest& request) {
  return ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
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
                " is already recorded; a new move must take effect after "
                "it"));
          }
        }
        v1::ChoiceEvent moved;
        auto* m = moved.mutable_client_zone_changed();
        m->set_client_id(c.client_id());
        m->set_previous_zone_id(c.zone_id());
        m->set_zone_id(request.zone_id());
        m->set_effective_date(from_text);
        plan->events.push_back(std::move(moved));
        for (const v1::Assignment* a : AssignmentsFrom(c, from_text)) {
          const std::vector<std::string> cats(a->category_ids().begin(),
                                              a->category_ids().end());
          const reg::Provider* provider = ctx.Provider(a->provider_id());
          const int64_t minutes = GrantedMinutes(c, cats, from_text);
          Standing standing;
          if (provider != nullptr) {
            absl::StatusOr<Standing> st = StandingFor(
                ctx, *provider, request.zone_id(), cats, *from, minutes);
            if (!st.ok()) return st.status();
            standing = std::move(*st);
          }
          std::optional<Reservation> slot;
          if (standing.selectable) {
            absl::StatusOr<Reservation> r = store_->Reserve(
                a->provider_id(), request.zone_id(), c.client_id(), *from,
                standing.limits(), minutes);
            if (r.ok()) {
              slot = *r;
              plan->reservations.push_back(*r);
            } else if (!absl::IsFailedPrecondition(r.status())) {
              return r.status();
            } else {
              standing.reasons.push_back(std::string(r.status().message()));
            }
          }
          if (slot.has_value()) {
            v1::ChoiceEvent started = StartAssignment(
                c.client_id(), a->provider_id(), request.zone_id(), cats,
                from_text, v1::ASSIGNMENT_REASON_TRANSFERRED);
            auto* p = started.mutable_assignment_started();
            *p->mutable_ended() = *a;
            p->mutable_ended()->set_valid_to(FormatDate(*from - 1));
            auto* why = p->mutable_explanation();
            why->add_candidates_in_order(a->provider_id());
            why->set_chosen_provider_id(a->provider_id());
            why->set_trigger(absl::StrCat(
                "client moved from zone ", c.zone_id(), " to ",
                request.zone_id(), "; the provider serves the new zone too"));
            plan->events.push_back(std::move(started));
            continue;
          }
          v1::ChoiceEvent opened;
          auto* p = opened.mutable_rechoice_case_opened();
          p->set_client_id(c.client_id());
          p->set_case_id("rc-" + NewUuid().substr(0, 8));
          p->set_provider_id(a->provider_id());
          p->set_zone_id(request.zone_id());
          p->set_deadline(FormatDate(RechoiceDeadline(
              *from, ctx.policy.rechoice_deadline_lead_days(), ctx.today)));
          p->set_effective_date(from_text);
          p->set_cause(absl::StrCat(
              "client moved from zone ", c.zone_id(), " to ", request.zone_id(),
              "; provider ", a->provider_id(), " cannot serve there: ",
              standing.reasons.empty()
                  ? "not approved there"
                  : absl::StrJoin(standing.reasons, "; ")));
          plan->events.push_back(std::move(opened));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Client> ChoiceApp::EndClient(
    const v1::EndClientRequest& request) {
  return ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        if (request.reason() != v1::END_REASON_CLIENT_DECEASED &&
            request.reason() != v1::END_REASON_MOVED_AWAY) {
          return absl::InvalidArgumentError(
              "reason: must be CLIENT_DECEASED or MOVED_AWAY (a decision "
              "that ends is changed with ChangeDecision)");
        }
        if (request.last_day().empty()) {
          return absl::InvalidArgumentError("last_day: is required");
        }
        absl::StatusOr<absl::CivilDay> last =
            DateOr("last_day", request.last_day(), ctx.today);
        if (!last.ok()) return last.status();
        const std::string last_text = FormatDate(*last);
        for (const v1::Assignment* a :
             AssignmentsFrom(c, FormatDate(*last + 1))) {
          v1::ChoiceEvent ended;
          auto* p = ended.mutable_assignment_ended();
          *p->mutable_assignment() = *a;
          p->mutable_assignment()->set_valid_to(last_text);
          p->set_reason(request.reason());
          plan->events.push_back(std::move(ended));
        }
        for (const auto& rc : c.cases()) {
          if (rc.status() != v1::CASE_STATUS_OPEN) continue;
          plan->events.push_back(
              CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
        }
        v1::ChoiceEvent end;
        auto* p = end.mutable_client_ended();
        p->set_client_id(c.client_id());
        p->set_reason(request.reason());
        p->set_effective_date(last_text);
        plan->events.push_back(std::move(end));
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- choice

absl::StatusOr<v1::ListEligibleProvidersResponse>
ChoiceApp::ListEligibleProviders(
    const v1::ListEligibleProvidersRequest& request) {
  if (absl::Status s = RequireClientId(request.client_id()); !s.ok()) return s;
  absl::StatusOr<std::optional<v1::Client>> client =
      store_->GetClient(request.client_id());
  if (!client.ok()) return client.status();
  if (!client->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("client_id: no client '", request.client_id(), "'"));
  }
  const v1::Client& c = **client;
  if (absl::Status s = RequireActive(c); !s.ok()) return s;
  absl::StatusOr<Context> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  absl::StatusOr<absl::CivilDay> day =
      DateOr("as_of", request.as_of(), ctx->today);
  if (!day.ok()) return day.status();
  const v1::Decision* decision = DecisionFor(c, FormatDate(*day));
  if (decision == nullptr) {
    return absl::FailedPreconditionError(
        "the client has no decision in force on or after as_of: register a "
        "decision first");
  }
  absl::StatusOr<std::vector<std::vector<std::string>>> groups =
      ChoiceGroups(ctx->policy, *decision, request.category_ids());
  if (!groups.ok()) return groups.status();
  std::vector<std::string> categories;
  for (const auto& g : *groups)
    categories.insert(categories.end(), g.begin(), g.end());
  absl::StatusOr<std::vector<Standing>> standings =
      Standings(*ctx, ZoneOn(c, FormatDate(*day)), categories, *day,
                GrantedMinutes(c, categories, FormatDate(*day)));
  if (!standings.ok()) return standings.status();
  std::vector<const Standing*> eligible;
  for (const auto& s : *standings) {
    if (s.selectable) eligible.push_back(&s);
  }
  std::sort(eligible.begin(), eligible.end(),
            [](const Standing* a, const Standing* b) {
              return a->provider_id < b->provider_id;
            });
  uint64_t seed = request.seed();
  while (seed == 0) {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  v1::ListEligibleProvidersResponse out;
  out.set_client_id(c.client_id());
  out.set_as_of(FormatDate(*day));
  out.set_seed(seed);
  for (size_t i : NeutralOrder(eligible.size(), seed)) {
    const Standing& s = *eligible[i];
    const reg::Provider* p = ctx->Provider(s.provider_id);
    v1::EligibleProvider* e = out.add_providers();
    e->set_provider_id(s.provider_id);
    e->set_name(p->name());
    e->set_kind(p->kind());
    *e->mutable_profile() = p->profile();
    e->set_capped(s.capped);
    if (s.capped) {
      e->set_max_clients(s.max_clients);
      e->set_free_slots(std::max(0, s.max_clients - s.occupied));
    }
    if (s.max_minutes > 0) {
      e->set_max_hours_per_month(static_cast<int32_t>(s.max_minutes / 60));
    }
    for (const auto& cat : categories) e->add_category_ids(cat);
  }
  log::Info("eligible list shown",
            {{"client_id", c.client_id()},
             {"seed", static_cast<uint64_t>(seed)},
             {"as_of", out.as_of()},
             {"providers", static_cast<int64_t>(out.providers_size())}});
  return out;
}

absl::StatusOr<v1::ChooseResponse> ChoiceApp::Choose(
    const v1::ChooseRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  std::vector<v1::ChoiceEvent> published;
  absl::StatusOr<v1::Client> client = ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        const std::string today = FormatDate(ctx.today);
        const v1::Decision* decision = DecisionFor(c, today);
        if (decision == nullptr) {
          return absl::FailedPreconditionError(
              "the client has no decision in force or coming: register a "
              "decision first");
        }
        absl::StatusOr<std::vector<std::vector<std::string>>> groups =
            ChoiceGroups(ctx.policy, *decision, request.category_ids());
        if (!groups.ok()) return groups.status();
        const reg::Provider* provider = ctx.Provider(request.provider_id());
        if (provider == nullptr) {
          return absl::NotFoundError(absl::StrCat("provider_id: no provider '",
                                                  request.provider_id(), "'"));
        }
        const v1::RechoiceCase* open = OpenCase(c);
        bool closes_case = false;
        bool reserved = false;
        for (const auto& group : *groups) {
          const v1::Assignment* current =
              CurrentAssignment(c, group.front(), today);
          absl::CivilDay from;
          v1::AssignmentReason reason = v1::ASSIGNMENT_REASON_CHOSEN;
          if (current == nullptr) {
            absl::CivilDay first =
                std::max(ctx.today, Day(decision->valid_from()));
            absl::StatusOr<absl::CivilDay> d =
                DateOr("effective_date", request.effective_date(), first);
            if (!d.ok()) return d.status();
            from = *d;
          } else {
            reason = v1::ASSIGNMENT_REASON_RE_CHOSEN;
            if (!request.effective_date().empty()) {
              return absl::InvalidArgumentError(
                  "effective_date: a re-choice takes effect by the "
                  "municipality's re-choice rule; leave it empty");
            }
            if (current->valid_from() > today) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "a change to provider ", current->provider_id(), " from ",
                  current->valid_from(),
                  " is already pending; choose again once it has started"));
            }
            if (current->provider_id() == request.provider_id()) {
              return absl::FailedPreconditionError(
                  absl::StrCat("the client is already served by provider '",
                               request.provider_id(), "'"));
            }
            if (open != nullptr &&
                open->provider_id() == current->provider_id()) {
              // Choosing in a re-choice case: the switch happens when the
              // provider leaves; it does not count towards a re-choice cap.
              from = Day(open->effective_date());
              closes_case = true;
            } else {
              if (absl::Status s = CheckRechoiceCap(
                      {c.rechoices_reported_on().begin(),
                       c.rechoices_reported_on().end()},
                      ctx.today, ctx.policy.max_rechoices_per_12_months());
                  !s.ok()) {
                return s;
              }
              from =
                  RechoiceEffectiveDate(ctx.policy, ReportedOn(clock_->Now()));
            }
          }
          const std::string from_text = FormatDate(from);
          if (from_text < decision->valid_from() ||
              (!decision->valid_to().empty() &&
               from_text > decision->valid_to())) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the choice would take effect on ", from_text,
                ", outside the client's decision ", decision->decision_id(),
                " (", decision->valid_from(), " to ",
                decision->valid_to().empty() ? "open" : decision->valid_to(),
                ")"));
          }
          const int64_t minutes = GrantedMinutes(c, group, from_text);
          // Where the client lives when the choice takes effect.
          const std::string zone = ZoneOn(c, from_text);
          absl::StatusOr<Standing> st =
              StandingFor(ctx, *provider, zone, group, from, minutes);
          if (!st.ok()) return st.status();
          const Standing& standing = *st;
          if (!standing.selectable) {
            return absl::FailedPreconditionError(absl::StrCat(
                "provider '", provider->provider_id(),
                "' is not eligible for this client in zone ", zone, " on ",
                from_text, ": ", absl::StrJoin(standing.reasons, "; ")));
          }
          if (!reserved) {
            absl::StatusOr<Reservation> r =
                store_->Reserve(provider->provider_id(), zone, c.client_id(),
                                from, standing.limits(), minutes);
            if (!r.ok()) return r.status();
            plan->reservations.push_back(*r);
            reserved = true;
          }
          v1::ChoiceEvent started =
              StartAssignment(c.client_id(), provider->provider_id(), zone,
                              group, from_text, reason);
          auto* p = started.mutable_assignment_started();
          if (current != nullptr) {
            *p->mutable_ended() = *current;
            p->mutable_ended()->set_valid_to(FormatDate(from - 1));
          }
          p->set_list_seed(request.list_seed());
          p->set_reported_on(today);
          plan->events.push_back(std::move(started));
        }
        if (closes_case) {
          plan->events.push_back(
              CaseClosed(c.client_id(), open->case_id(), "re-chosen"));
        }
        return absl::OkStatus();
      },
      &published);
  if (!client.ok()) return client.status();
  v1::ChooseResponse out;
  *out.mutable_client() = *client;
  for (const auto& e : published) {
    if (e.has_assignment_started()) {
      *out.add_started() = e.assignment_started().assignment();
    }
  }
  return out;
}

absl::Status ChoiceApp::PlanAllocation(
    const v1::Client& client, const Context& ctx, const std::string& zone_id,
    const std::vector<std::string>& category_ids, absl::CivilDay from,
    const std::string& excluded_provider_id, const std::string& trigger,
    v1::AssignmentReason reason, const v1::Assignment* ending, Plan* plan) {
  AllocationRequest req;
  req.policy = ctx.policy;
  req.zone_id = zone_id;
  req.in_house_provider_id = ctx.in_house_provider_id;
  req.excluded_provider_id = excluded_provider_id;
  req.day = from;
  if (ctx.policy.allocation_policy() == v1::ALLOCATION_POLICY_ROTATION) {
    // One rotation allocation at a time per zone, across replicas.
    absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
        store_->Lock("rotation:" + zone_id);
    if (!lock.ok()) return lock.status();
    plan->locks.push_back(std::move(*lock));
  }
  absl::StatusOr<RotationPointer> pointer = store_->GetRotation(zone_id);
  if (!pointer.ok()) return pointer.status();
  req.rotation = *pointer;
  const int64_t minutes =
      GrantedMinutes(client, category_ids, FormatDate(from));
  absl::StatusOr<std::vector<Standing>> standings =
      Standings(ctx, zone_id, category_ids, from, minutes);
  if (!standings.ok()) return standings.status();
  req.standings = std::move(*standings);
  for (size_t attempt = 0; attempt <= req.standings.size(); ++attempt) {
    absl::StatusOr<v1::AllocationExplanation> why = Allocate(req);
    if (!why.ok()) return why.status();
    Standing* chosen = nullptr;
    for (auto& s : req.standings) {
      if (s.provider_id == why->chosen_provider_id()) chosen = &s;
    }
    absl::StatusOr<Reservation> slot =
        store_->Reserve(chosen->provider_id, zone_id, client.client_id(), from,
                        chosen->limits(), minutes);
    if (!slot.ok()) {
      if (!absl::IsFailedPrecondition(slot.status())) return slot.status();
      // Filled up since the count was read: pass it over and try the next.
      chosen->selectable = false;
      chosen->reasons.push_back(std::string(slot.status().message()));
      continue;
    }
    plan->reservations.push_back(*slot);
    why->set_trigger(trigger);
    v1::ChoiceEvent started =
        StartAssignment(client.client_id(), chosen->provider_id, zone_id,
                        category_ids, FormatDate(from), reason);
    auto* p = started.mutable_assignment_started();
    if (ending != nullptr) {
      *p->mutable_ended() = *ending;
      p->mutable_ended()->set_valid_to(FormatDate(from - 1));
    }
    *p->mutable_explanation() = *why;
    p->set_reported_on(FormatDate(ctx.today));
    plan->events.push_back(std::move(started));
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "non-choice allocation: every candidate filled up meanwhile");
}

absl::StatusOr<v1::AllocateNonChoiceResponse> ChoiceApp::AllocateNonChoice(
    const v1::AllocateNonChoiceRequest& request) {
  std::vector<v1::ChoiceEvent> published;
  absl::StatusOr<v1::Client> client = ChangeClient(
      RequestFingerprint(request), request.request_id(), request.client_id(),
      [&](const v1::Client& c, const Context& ctx, Plan* plan) -> absl::Status {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        const std::string today = FormatDate(ctx.today);
        const v1::Decision* decision = DecisionFor(c, today);
        if (decision == nullptr) {
          return absl::FailedPreconditionError(
              "the client has no decision in force or coming: register a "
              "decision first");
        }
        const std::vector<std::string> categories = CategoriesOf(*decision);
        for (const auto& cat : categories) {
          if (const v1::Assignment* a = CurrentAssignment(c, cat, today)) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the client already has a provider for ", cat, " ('",
                a->provider_id(), "' from ", a->valid_from(),
                "); non-choice allocation is for clients without one"));
          }
        }
        absl::StatusOr<absl::CivilDay> from =
            DateOr("effective_date", request.effective_date(),
                   std::max(ctx.today, Day(decision->valid_from())));
        if (!from.ok()) return from.status();
        return PlanAllocation(c, ctx, ZoneOn(c, FormatDate(*from)), categories,
                              *from, "", "the client did not choose",
                              v1::ASSIGNMENT_REASON_NON_CHOICE, nullptr, plan);
      },
      &published);
  if (!client.ok()) return client.status();
  v1::AllocateNonChoiceResponse out;
  *out.mutable_client() = *client;
  for (const auto& e : published) {
    if (e.has_assignment_started()) {
      *out.add_started() = e.assignment_started().assignment();
      *out.mutable_explanation() = e.assignment_started().explanation();
    }
  }
  return out;
}

// ---------------------------------------------------------------- policy

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::ConfigurePolicy(
    const v1::ConfigurePolicyRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  v1::ChoicePolicy policy = request.policy();
  policy.set_version(0);
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  const std::string fingerprint = RequestFingerprint(request);
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(kPolicyAggregate);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request.request_id(), fingerprint);
  if (previous.ok()) return CurrentPolicy();
  if (!absl::IsNotFound(previous.status())) return previous.status();
  std::vector<std::string> named;
  if (!policy.in_house_provider_id().empty()) {
    named.push_back(policy.in_house_provider_id());
  }
  for (const auto& d : policy.designated_providers()) {
    named.push_back(d.provider_id());
  }
  for (const auto& id : named) {
    absl::StatusOr<std::optional<reg::Provider>> p = store_->GetProvider(id);
    if (!p.ok()) return p.status();
    if (!p->has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy: names provider '", id, "', unknown to the registry"));
    }
  }
  absl::StatusOr<std::optional<v1::ChoicePolicy>> current = store_->GetPolicy();
  if (!current.ok()) return current.status();
  policy.set_version(current->has_value() ? (*current)->version() + 1 : 1);
  v1::ChoiceEvent event = NewEvent(kPolicyAggregate, policy.version(),
                                   request.request_id(), fingerprint);
  *event.mutable_policy_configured()->mutable_policy() = policy;
  if (absl::Status s = PublishAndApply({event}); !s.ok()) return s;
  return policy;
}

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::GetPolicy(
    const v1::GetPolicyRequest&) {
  return CurrentPolicy();
}

// ---------------------------------------------------------------- cases

absl::StatusOr<v1::RunDueAllocationsResponse> ChoiceApp::RunDueAllocations(
    const v1::RunDueAllocationsRequest& request) {
  absl::StatusOr<absl::CivilDay> as_of =
      DateOr("as_of", request.as_of(), Today());
  if (!as_of.ok()) return as_of.status();
  absl::StatusOr<std::vector<DueCase>> due = store_->DueCases(*as_of - 1);
  if (!due.ok()) return due.status();
  // Clients are taken in the order of their decisions (Kristianstad).
  struct Entry {
    std::string decided_on;
    DueCase due;
  };
  std::vector<Entry> entries;
  for (const auto& d : *due) {
    absl::StatusOr<std::optional<v1::Client>> c =
        store_->GetClient(d.client_id);
    if (!c.ok()) return c.status();
    std::string decided_on = "9999-12-31";
    if (c->has_value()) {
      for (const auto& dec : (*c)->decisions()) {
        decided_on = std::min(decided_on, dec.decided_on());
      }
    }
    entries.push_back({decided_on, d});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.decided_on, a.due.client_id, a.due.case_id) <
           std::tie(b.decided_on, b.due.client_id, b.due.case_id);
  });
  v1::RunDueAllocationsResponse out;
  for (const auto& entry : entries) {
    const DueCase& d = entry.due;
    v1::AllocateNonChoiceRequest key;  // fingerprints the case allocation
    key.set_request_id(
        absl::StrCat("case-allocation:", d.client_id, ":", d.case_id));
    key.set_client_id(d.client_id);
    std::vector<v1::ChoiceEvent> published;
    absl::StatusOr<v1::Client> client = ChangeClient(
        RequestFingerprint(key), key.request_id(), d.client_id,
        [&](const v1::Client& c, const Context& ctx, Plan* plan) {
          const v1::RechoiceCase* rc = nullptr;
          for (const auto& x : c.cases()) {
            if (x.case_id() == d.case_id &&
                x.status() == v1::CASE_STATUS_OPEN) {
              rc = &x;
            }
          }
          if (rc == nullptr) return absl::OkStatus();
          const v1::Assignment* ending = nullptr;
          for (const v1::Assignment* a :
               AssignmentsFrom(c, rc->effective_date())) {
            if (a->provider_id() == rc->provider_id()) ending = a;
          }
          if (ending == nullptr || c.status() == v1::CLIENT_STATUS_ENDED) {
            plan->events.push_back(
                CaseClosed(c.client_id(), rc->case_id(), "withdrawn"));
            return absl::OkStatus();
          }
          const std::vector<std::string> categories(
              ending->category_ids().begin(), ending->category_ids().end());
          absl::Status s = PlanAllocation(
              c, ctx, rc->zone_id(), categories, Day(rc->effective_date()),
              rc->provider_id(),
              absl::StrCat("re-choice case ", rc->case_id(),
                           " passed its deadline ", rc->deadline(),
                           " without a choice: ", rc->cause()),
              v1::ASSIGNMENT_REASON_TRANSFERRED, ending, plan);
          if (!s.ok()) return s;
          plan->events.push_back(
              CaseClosed(c.client_id(), rc->case_id(), "allocated"));
          return absl::OkStatus();
        },
        &published);
    if (!client.ok()) {
      auto* f = out.add_failed();
      f->set_client_id(d.client_id);
      f->set_case_id(d.case_id);
      f->set_error(std::string(client.status().message()));
      log::Error("re-choice case could not be allocated",
                 {{"client_id", d.client_id},
                  {"case_id", d.case_id},
                  {"error", client.status()}});
      continue;
    }
    for (const auto& e : published) {
      if (!e.has_assignment_started()) continue;
      auto* a = out.add_allocated();
      a->set_client_id(d.client_id);
      a->set_case_id(d.case_id);
      *a->mutable_assignment() = e.assignment_started().assignment();
      *a->mutable_explanation() = e.assignment_started().explanation();
    }
  }
  return out;
}

absl::Status ChoiceApp::OpenCasesForDeparture(const reg::RegistryEvent& event,
                                              const std::string& provider_id,
                                              const std::string& zone_id,
                                              const std::string& leaving_date,
                                              const std::string& cause) {
  absl::StatusOr<absl::CivilDay> leaving = ParseDate(leaving_date);
  if (!leaving.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaving date: ", leaving.status().message()));
  }
  absl::StatusOr<std::vector<std::string>> holders =
      store_->SlotHolders(provider_id, zone_id, *leaving);
  if (!holders.ok()) return holders.status();
  const std::string case_id =
      absl::StrCat("rc-", event.event_id().substr(0, 8), "-", zone_id);
  for (const auto& client_id : *holders) {
    v1::AllocateNonChoiceRequest key;  // fingerprints the case opening
    key.set_request_id(absl::StrCat("departure:", event.event_id(), ":",
                                    zone_id, ":", client_id));
    key.set_client_id(client_id);
    absl::StatusOr<v1::Client> done = ChangeClient(
        RequestFingerprint(key), key.request_id(), client_id,
        [&](const v1::Client& c, const Context& ctx, Plan* plan) {
          if (c.status() == v1::CLIENT_STATUS_ENDED) return absl::OkStatus();
          bool affected = false;
          for (const v1::Assignment* a : AssignmentsFrom(c, leaving_date)) {
            affected |=
                a->provider_id() == provider_id && a->zone_id() == zone_id;
          }
          for (const auto& rc : c.cases()) {
            if (rc.status() == v1::CASE_STATUS_OPEN &&
                rc.provider_id() == provider_id) {
              affected = false;  // already asked to choose again
            }
          }
          if (!affected) return absl::OkStatus();
          v1::ChoiceEvent opened;
          auto* p = opened.mutable_rechoice_case_opened();
          p->set_client_id(c.client_id());
          p->set_case_id(case_id);
          p->set_provider_id(provider_id);
          p->set_zone_id(zone_id);
          p->set_deadline(FormatDate(RechoiceDeadline(
              *leaving, ctx.policy.rechoice_deadline_lead_days(), ctx.today)));
          p->set_effective_date(leaving_date);
          p->set_cause(cause);
          plan->events.push_back(std::move(opened));
          return absl::OkStatus();
        });
    if (!done.ok()) return done.status();
  }
  log::Info("re-choice cases opened for a departing provider",
            {{"provider_id", provider_id},
             {"zone_id", zone_id},
             {"leaving_date", leaving_date},
             {"clients", static_cast<int64_t>(holders->size())}});
  return absl::OkStatus();
}

absl::Status ChoiceApp::CloseCasesForWithdrawnNotice(
    const reg::RegistryEvent& event) {
  const reg::NoticeWithdrawn& n = event.notice_withdrawn();
  const std::string& provider_id = n.provider().provider_id();
  absl::StatusOr<std::vector<std::string>> clients =
      store_->ClientsOf(provider_id);
  if (!clients.ok()) return clients.status();
  int64_t closed = 0;
  for (const auto& client_id : *clients) {
    v1::AllocateNonChoiceRequest key;  // fingerprints the closing
    key.set_request_id(
        absl::StrCat("notice-withdrawn:", event.event_id(), ":", client_id));
    key.set_client_id(client_id);
    absl::StatusOr<v1::Client> done = ChangeClient(
        RequestFingerprint(key), key.request_id(), client_id,
        [&](const v1::Client& c, const Context&, Plan* plan) {
          for (const auto& rc : c.cases()) {
            if (rc.status() != v1::CASE_STATUS_OPEN ||
                rc.provider_id() != provider_id ||
                rc.effective_date() != n.effective_date() ||
                (!n.zone_id().empty() && rc.zone_id() != n.zone_id())) {
              continue;
            }
            plan->events.push_back(
                CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
            ++closed;
          }
          return absl::OkStatus();
        });
    if (!done.ok()) return done.status();
  }
  log::Info("re-choice cases closed: the provider withdrew its notice",
            {{"provider_id", provider_id},
             {"zone_id", n.zone_id()},
             {"leaving_date", n.effective_date()},
             {"cases", closed}});
  return absl::OkStatus();
}

absl::Status ChoiceApp::OnRegistryEvent(const reg::RegistryEvent& event) {
  if (absl::Status s = store_->ApplyRegistry(event); !s.ok()) return s;
  if (event.has_notice_withdrawn()) {
    if (absl::Status s = CloseCasesForWithdrawnNotice(event); !s.ok()) {
      return s;
    }
    return RefreshZoneHealth({});
  }
  std::string provider_id, zone_id, leaving, cause;
  if (event.has_notice_given()) {
    const auto& n = event.notice_given();
    provider_id = n.provider().provider_id();
    zone_id = n.zone_id();
    leaving = n.effective_date();
    cause = zone_id.empty()
                ? absl::StrCat("provider leaves the choice system on ", leaving)
                : absl::StrCat("provider gave notice for zone ", zone_id,
                               ": leaves on ", leaving);
  } else if (event.has_sanction_imposed() &&
             event.sanction_imposed().sanction().kind() ==
                 reg::SANCTION_KIND_TERMINATION) {
    const auto& s = event.sanction_imposed();
    provider_id = s.provider().provider_id();
    leaving = s.sanction().effective_date();
    cause = absl::StrCat("provider's contract terminated from ", leaving, ": ",
                         s.sanction().reason());
  }
  if (!provider_id.empty()) {
    absl::StatusOr<std::optional<reg::Municipality>> m =
        store_->GetMunicipality();
    if (!m.ok()) return m.status();
    std::vector<std::string> zones;
    if (!zone_id.empty()) {
      zones.push_back(zone_id);
    } else if (m->has_value()) {
      for (const auto& z : (*m)->zones()) zones.push_back(z.zone_id());
    }
    for (const auto& z : zones) {
      if (absl::Status s =
              OpenCasesForDeparture(event, provider_id, z, leaving, cause);
          !s.ok()) {
        return s;
      }
    }
  }
  return RefreshZoneHealth({});
}

// ---------------------------------------------------------------- queries

absl::StatusOr<v1::ListAssignmentsResponse> ChoiceApp::ListAssignments(
    const v1::ListAssignmentsRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError(
        "provider_id: is required (assignments are listed per provider)");
  }
  std::string as_of;
  if (!request.as_of().empty()) {
    absl::StatusOr<absl::CivilDay> d =
        DateOr("as_of", request.as_of(), Today());
    if (!d.ok()) return d.status();
    as_of = FormatDate(*d);
  }
  absl::StatusOr<std::vector<std::string>> clients =
      store_->ClientsOf(request.provider_id());
  if (!clients.ok()) return clients.status();
  v1::ListAssignmentsResponse out;
  for (const auto& id : *clients) {
    absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) continue;
    for (const auto& a : (*c)->assignments()) {
      if (a.provider_id() != request.provider_id()) continue;
      if (!request.zone_id().empty() && a.zone_id() != request.zone_id()) {
        continue;
      }
      if (!as_of.empty() && !Covers(a, as_of)) continue;
      *out.add_assignments() = a;
    }
  }
  return out;
}

absl::StatusOr<v1::ListRechoiceCasesResponse> ChoiceApp::ListRechoiceCases(
    const v1::ListRechoiceCasesRequest& request) {
  if (request.provider_id().empty() == request.client_id().empty()) {
    return absl::InvalidArgumentError(
        "provider_id, client_id: exactly one of them is required");
  }
  std::vector<std::string> clients;
  if (!request.client_id().empty()) {
    clients.push_back(request.client_id());
  } else {
    absl::StatusOr<std::vector<std::string>> ids =
        store_->ClientsOf(request.provider_id());
    if (!ids.ok()) return ids.status();
    clients = std::move(*ids);
  }
  v1::ListRechoiceCasesResponse out;
  for (const auto& id : clients) {
    absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) {
      if (!request.client_id().empty()) {
        return absl::NotFoundError(
            absl::StrCat("client_id: no client '", id, "'"));
      }
      continue;
    }
    for (const auto& rc : (*c)->cases()) {
      if (request.open_only() && rc.status() != v1::CASE_STATUS_OPEN) continue;
      if (!request.provider_id().empty() &&
          rc.provider_id() != request.provider_id()) {
        continue;
      }
      auto* e = out.add_cases();
      e->set_client_id(id);
      *e->mutable_rechoice_case() = rc;
    }
  }
  return out;
}

absl::StatusOr<v1::GetZoneHealthResponse> ChoiceApp::GetZoneHealth(
    const v1::GetZoneHealthRequest& request) {
  absl::StatusOr<Context> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  absl::StatusOr<absl::CivilDay> day =
      DateOr("as_of", request.as_of(), ctx->today);
  if (!day.ok()) return day.status();
  if (!request.zone_id().empty()) {
    if (absl::Status s = RequireZone(ctx->municipality, request.zone_id());
        !s.ok()) {
      return s;
    }
  }
  std::vector<std::string> ids;
  for (const auto& p : ctx->providers) ids.push_back(p.provider_id());
  v1::GetZoneHealthResponse out;
  for (const auto& z : ctx->municipality.zones()) {
    if (!request.zone_id().empty() && z.zone_id() != request.zone_id())
      continue;
    absl::StatusOr<std::map<std::string, Occupancy>> occupied =
        store_->Occupied(ids, z.zone_id(), *day);
    if (!occupied.ok()) return occupied.status();
    for (auto& h :
         ZoneHealthOf(ctx->municipality, ctx->providers, z.zone_id(), *day,
                      [&](const std::string& id) { return (*occupied)[id]; })) {
      *out.add_zones() = std::move(h);
    }
  }
  return out;
}

absl::Status ChoiceApp::RefreshZoneHealth(
    const std::vector<std::string>& zone_ids) {
  absl::StatusOr<std::optional<reg::Municipality>> m =
      store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(kZoneHealthAggregate);
  if (!lock.ok()) return lock.status();
  int64_t version = 0;
  absl::StatusOr<std::map<std::string, v1::ZoneHealth>> published =
      store_->GetPublishedZoneHealth(&version);
  if (!published.ok()) return published.status();
  v1::GetZoneHealthRequest all;
  absl::StatusOr<v1::GetZoneHealthResponse> now = GetZoneHealth(all);
  if (!now.ok()) return now.status();
  std::vector<v1::ChoiceEvent> events;
  for (const auto& h : now->zones()) {
    if (!zone_ids.empty() && std::find(zone_ids.begin(), zone_ids.end(),
                                       h.zone_id()) == zone_ids.end()) {
      continue;
    }
    auto it = published->find(absl::StrCat(h.zone_id(), "|", h.category_id()));
    if (it != published->end() &&
        it->second.selectable_providers() == h.selectable_providers() &&
        it->second.no_real_choice() == h.no_real_choice()) {
      continue;
    }
    v1::ChoiceEvent e = NewEvent(kZoneHealthAggregate, ++version, "", "");
    *e.mutable_zone_health() = h;
    events.push_back(std::move(e));
    if (h.no_real_choice()) {
      log::Warn("zone has no real choice",
                {{"zone_id", h.zone_id()},
                 {"category_id", h.category_id()},
                 {"selectable_providers", h.selectable_providers()}});
    }
  }
  if (events.empty()) return absl::OkStatus();
  return PublishAndApply(std::move(events));
}

}  // namespace lov::choice
