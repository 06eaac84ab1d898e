// What the choice service's use cases share: the write path's ports, the
// change of one client, the records every decision reads, and the two
// plans several use cases make (extending a provider to new categories,
// allocating a provider to a client who does not choose).
#include "lov/choice/app/choice_app.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/choice/domain/allocation.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/log.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

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

// The one open-ended assignment's provider that serves the client from
// `from` on with no change pending, and the categories it covers; nullptr
// when none, or when a switch, an end or several providers are pending
// (the client then chooses).
const v1::Assignment* SoleRunningAssignment(const v1::Client& client,
                                            const std::string& from,
                                            std::set<std::string>* covered) {
  const v1::Assignment* running = nullptr;
  for (const v1::Assignment* a : AssignmentsFrom(client, from)) {
    if (a->valid_from() > from || !a->valid_to().empty()) return nullptr;
    if (running != nullptr && running->provider_id() != a->provider_id()) {
      return nullptr;
    }
    running = a;
    covered->insert(a->category_ids().begin(), a->category_ids().end());
  }
  return running;
}

}  // namespace

ChoiceApp::ChoiceApp(ChoiceStore* store, EventPublisher* publisher,
                     const Clock* clock, PersonnummerKey key,
                     const PersonnummerVault* vault)
    : store_(store),
      publisher_(publisher),
      clock_(clock),
      key_(std::move(key)),
      vault_(vault),
      runner_(
          {.lock = [store](const std::string& key) { return store->Lock(key); },
           .find_request =
               [store](const std::string& id) { return store->GetRequest(id); },
           .publish =
               [publisher](const std::vector<v1::ChoiceEvent>& events) {
                 return publisher->Publish(events);
               },
           .apply =
               [store](const v1::ChoiceEvent& e) { return store->Apply(e); }},
          clock) {}

absl::CivilDay ChoiceApp::Today() const { return StockholmDate(clock_->Now()); }

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::CurrentPolicy() {
  absl::StatusOr<std::optional<v1::ChoicePolicy>> p = store_->GetPolicy();
  if (!p.ok()) return p.status();
  return p->has_value() ? **p : DefaultPolicy();
}

absl::StatusOr<reg::Municipality> ChoiceApp::RequireMunicipality() {
  absl::StatusOr<std::optional<reg::Municipality>> m =
      store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::FailedPreconditionError(
        "the municipality is not set up in the registry yet");
  }
  return **m;
}

absl::StatusOr<ChoiceContext> ChoiceApp::LoadContext() {
  ChoiceContext ctx;
  absl::StatusOr<reg::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  ctx.municipality = *std::move(m);
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

absl::StatusOr<v1::Client> ChoiceApp::RequireClient(
    const std::string& client_id) {
  absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(client_id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("client_id: no client '", client_id, "'"));
  }
  return **c;
}

void ChoiceApp::ReleaseAll(const ClientPlan& plan) {
  for (const auto& r : plan.reservations) {
    // Left pending, it is given back once it expires (ReservationResolver).
    if (absl::StatusOr<bool> s = store_->Release(r); !s.ok()) {
      log::Error("could not give back a capacity slot",
                 {{"provider_id", r.provider_id},
                  {"zone_id", r.zone_id},
                  {"client_id", r.client_id},
                  {"error", s.status()}});
    }
  }
}

absl::StatusOr<v1::Client> ChoiceApp::ChangeClient(
    const google::protobuf::Message& request, const std::string& request_id,
    const std::string& client_id, const Decide& decide,
    std::vector<v1::ChoiceEvent>* published) {
  if (absl::Status s = RequireRequestId(request_id); !s.ok()) return s;
  if (absl::Status s = RequireClientId(client_id); !s.ok()) return s;
  ClientPlan plan;
  plan.tag = {.owner = instance_, .request_id = request_id};
  absl::StatusOr<ClientChange> change = runner_.Run<ClientChange>(
      Command::ByRequest(client_id, request, request_id),
      [&](const std::string&) -> absl::StatusOr<std::optional<ClientChange>> {
        absl::StatusOr<v1::Client> now = RequireClient(client_id);
        if (!now.ok()) return now.status();
        return std::optional<ClientChange>(ClientChange{*std::move(now), {}});
      },
      [&] { return DecideChange(client_id, decide, &plan); });
  // The locks the plan took (a zone's rotation) go with the client's.
  plan.locks.clear();
  if (!change.ok()) return change.status();
  if (std::vector<std::string> zones = ZonesTouched(change->events);
      !zones.empty()) {
    if (absl::Status s = RefreshZoneHealth(zones); !s.ok()) {
      log::Warn("zone health not refreshed", {{"error", s}});
    }
  }
  if (published != nullptr) *published = std::move(change->events);
  return std::move(change->client);
}

absl::StatusOr<lov::Decision<v1::ChoiceEvent, ChoiceApp::ClientChange>>
ChoiceApp::DecideChange(const std::string& client_id, const Decide& decide,
                        ClientPlan* plan) {
  absl::StatusOr<v1::Client> current = RequireClient(client_id);
  if (!current.ok()) return current.status();
  absl::StatusOr<ChoiceContext> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  plan->tag.expires = clock_->Now() + kReservationExpiry;
  if (absl::Status s = decide(*current, *ctx, plan); !s.ok()) {
    ReleaseAll(*plan);
    return s;
  }
  ClientChange change{*current, {}};
  int64_t version = current->version();
  for (v1::ChoiceEvent& e : plan->events) {
    e.set_aggregate_id(client_id);
    e.set_aggregate_version(++version);
    ApplyEvent(e, &change.client);
  }
  change.events = plan->events;
  return lov::Decision<v1::ChoiceEvent, ClientChange>(
      std::move(plan->events), std::move(change),
      [this, plan] { ReleaseAll(*plan); });
}

absl::Status ChoiceApp::PlanCategoryExtension(const v1::Client& c,
                                              const ChoiceContext& ctx,
                                              const v1::Decision& d,
                                              ClientPlan* plan) {
  const absl::CivilDay from = std::max(ctx.today, Day(d.valid_from()));
  const std::string from_text = FormatDate(from);
  if (!d.valid_to().empty() && from_text > d.valid_to()) {
    return absl::OkStatus();
  }
  std::set<std::string> covered;
  const v1::Assignment* running = SoleRunningAssignment(c, from_text, &covered);
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

absl::StatusOr<AllocationRequest> ChoiceApp::AllocationRequestFor(
    const v1::Client& client, const ChoiceContext& ctx,
    const AllocationAsk& ask, int64_t minutes, ClientPlan* plan) {
  AllocationRequest req;
  req.policy = ctx.policy;
  req.zone_id = ask.zone_id;
  req.in_house_provider_id = ctx.in_house_provider_id;
  req.excluded_provider_id = ask.excluded_provider_id;
  req.day = ask.from;
  if (ctx.policy.allocation_policy() == v1::ALLOCATION_POLICY_ROTATION) {
    // One rotation allocation at a time per zone, across replicas.
    absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
        store_->Lock("rotation:" + ask.zone_id);
    if (!lock.ok()) return lock.status();
    plan->locks.push_back(std::move(*lock));
  }
  absl::StatusOr<RotationPointer> pointer = store_->GetRotation(ask.zone_id);
  if (!pointer.ok()) return pointer.status();
  req.rotation = *pointer;
  absl::StatusOr<std::vector<Standing>> standings =
      Standings(*store_, ctx, ask.zone_id, ask.category_ids, ask.from,
                client.client_id(), minutes);
  if (!standings.ok()) return standings.status();
  req.standings = std::move(*standings);
  return req;
}

absl::Status ChoiceApp::PlanAllocation(const v1::Client& client,
                                       const ChoiceContext& ctx,
                                       const AllocationAsk& ask,
                                       ClientPlan* plan) {
  const int64_t minutes =
      GrantedMinutes(client, ask.category_ids, FormatDate(ask.from));
  absl::StatusOr<AllocationRequest> req =
      AllocationRequestFor(client, ctx, ask, minutes, plan);
  if (!req.ok()) return req.status();
  for (size_t attempt = 0; attempt <= req->standings.size(); ++attempt) {
    absl::StatusOr<v1::AllocationExplanation> why = Allocate(*req);
    if (!why.ok()) return why.status();
    Standing* chosen = nullptr;
    for (auto& s : req->standings) {
      if (s.provider_id == why->chosen_provider_id()) chosen = &s;
    }
    absl::StatusOr<Reservation> slot =
        store_->Reserve(chosen->provider_id, ask.zone_id, client.client_id(),
                        ask.from, chosen->limits(), minutes, plan->tag);
    if (!slot.ok()) {
      if (!absl::IsFailedPrecondition(slot.status())) return slot.status();
      // Filled up since the count was read: pass it over and try the next.
      chosen->selectable = false;
      chosen->reasons.push_back(std::string(slot.status().message()));
      continue;
    }
    plan->reservations.push_back(*slot);
    why->set_trigger(ask.trigger);
    v1::ChoiceEvent started =
        StartAssignment(client.client_id(), chosen->provider_id, ask.zone_id,
                        ask.category_ids, FormatDate(ask.from), ask.reason);
    if (ask.ending != nullptr) Replaces(*ask.ending, ask.from, &started);
    auto* p = started.mutable_assignment_started();
    *p->mutable_explanation() = *why;
    p->set_reported_on(FormatDate(ctx.today));
    plan->events.push_back(std::move(started));
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "non-choice allocation: every candidate filled up meanwhile");
}

}  // namespace lov::choice
