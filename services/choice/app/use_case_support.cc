// What the choice service's use cases share (see use_case_support.h).
#include "lov/choice/app/use_case_support.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {

const reg::Provider* ChoiceContext::Provider(const std::string& id) const {
  for (const auto& p : providers) {
    if (p.provider_id() == id) return &p;
  }
  return nullptr;
}

absl::Status RequireClientId(const std::string& client_id) {
  if (client_id.empty()) {
    return absl::InvalidArgumentError("client_id: is required");
  }
  return absl::OkStatus();
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
  if (zone_id.empty()) {
    return absl::InvalidArgumentError("zone_id: is required");
  }
  for (const auto& z : m.zones()) {
    if (z.zone_id() == zone_id) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("zone_id: unknown zone '",
                                                 zone_id, "' in municipality ",
                                                 m.municipality_id()));
}

absl::StatusOr<std::string> PersonnummerField(const std::string& text) {
  absl::StatusOr<std::string> pnr = NormalizePersonnummer(text);
  if (!pnr.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("personnummer: ", pnr.status().message()));
  }
  return pnr;
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

absl::StatusOr<const v1::Decision*> DecisionToServe(const v1::Client& client,
                                                    const std::string& day) {
  if (absl::Status s = RequireActive(client); !s.ok()) return s;
  const v1::Decision* decision = DecisionFor(client, day);
  if (decision == nullptr) {
    return absl::FailedPreconditionError(
        "the client has no decision in force or coming: register a "
        "decision first");
  }
  return decision;
}

absl::Status RequireDecisionAllowed(const v1::Client& client,
                                    const v1::Decision& decision,
                                    const ChoiceContext& ctx) {
  if (absl::Status s = RequireActive(client); !s.ok()) return s;
  return ValidateDecision(decision, ctx.municipality);
}

std::vector<std::string> CategoriesOf(const v1::Decision& d) {
  std::vector<std::string> out;
  for (const auto& g : d.categories()) out.push_back(g.category_id());
  return out;
}

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

absl::StatusOr<std::vector<Standing>> Standings(
    ChoiceStore& store, const ChoiceContext& ctx, const std::string& zone_id,
    const std::vector<std::string>& category_ids, absl::CivilDay day,
    const std::string& client_id, int64_t client_minutes) {
  std::vector<std::string> ids;
  for (const auto& p : ctx.providers) ids.push_back(p.provider_id());
  absl::StatusOr<std::map<std::string, Occupancy>> occupied =
      store.Occupied(ids, zone_id, day, client_id);
  if (!occupied.ok()) return occupied.status();
  std::vector<Standing> out;
  for (const auto& p : ctx.providers) {
    out.push_back(StandingOf(ctx.municipality, p, zone_id, category_ids, day,
                             (*occupied)[p.provider_id()], client_minutes));
  }
  return out;
}

absl::StatusOr<Standing> StandingFor(
    ChoiceStore& store, const ChoiceContext& ctx, const reg::Provider& provider,
    const std::string& zone_id, const std::vector<std::string>& cats,
    absl::CivilDay day, const std::string& client_id, int64_t client_minutes) {
  absl::StatusOr<std::map<std::string, Occupancy>> occupied =
      store.Occupied({provider.provider_id()}, zone_id, day, client_id);
  if (!occupied.ok()) return occupied.status();
  return StandingOf(ctx.municipality, provider, zone_id, cats, day,
                    (*occupied)[provider.provider_id()], client_minutes);
}

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

void Replaces(const v1::Assignment& ending, absl::CivilDay from,
              v1::ChoiceEvent* started) {
  v1::Assignment* ended =
      started->mutable_assignment_started()->mutable_ended();
  *ended = ending;
  ended->set_valid_to(FormatDate(from - 1));
}

v1::ChoiceEvent EndAssignment(const v1::Assignment& assignment,
                              const std::string& last_day,
                              v1::EndReason reason) {
  v1::ChoiceEvent ended;
  auto* p = ended.mutable_assignment_ended();
  *p->mutable_assignment() = assignment;
  p->mutable_assignment()->set_valid_to(last_day);
  p->set_reason(reason);
  return ended;
}

v1::ChoiceEvent CaseOpened(const std::string& client_id,
                           const CaseOpening& opening) {
  v1::ChoiceEvent opened;
  auto* p = opened.mutable_rechoice_case_opened();
  p->set_client_id(client_id);
  p->set_case_id(opening.case_id);
  p->set_provider_id(opening.provider_id);
  p->set_zone_id(opening.zone_id);
  p->set_deadline(opening.deadline);
  p->set_effective_date(opening.effective_date);
  p->set_cause(opening.cause);
  return opened;
}

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

v1::AllocateNonChoiceRequest ServiceRequest(const std::string& request_id,
                                            const std::string& client_id) {
  v1::AllocateNonChoiceRequest request;
  request.set_request_id(request_id);
  request.set_client_id(client_id);
  return request;
}

}  // namespace lov::choice
