// Once a day: every re-choice case whose deadline passed without a choice
// gets a provider by the non-choice policy, clients taken in the order of
// their decisions (Kristianstad). A case with nothing left to allocate is
// withdrawn.
#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/log.h"

namespace lov::choice {
namespace {

// The due cases, the client with the earliest decision first.
absl::StatusOr<std::vector<DueCase>> InDecisionOrder(
    ChoiceStore& store, const std::vector<DueCase>& due) {
  struct Entry {
    std::string decided_on;
    DueCase due;
  };
  std::vector<Entry> entries;
  for (const auto& d : due) {
    absl::StatusOr<std::optional<v1::Client>> c = store.GetClient(d.client_id);
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
  std::vector<DueCase> out;
  for (auto& e : entries) out.push_back(std::move(e.due));
  return out;
}

const v1::RechoiceCase* OpenCaseById(const v1::Client& c,
                                     const std::string& case_id) {
  const v1::RechoiceCase* found = nullptr;
  for (const auto& rc : c.cases()) {
    if (rc.case_id() == case_id && rc.status() == v1::CASE_STATUS_OPEN) {
      found = &rc;
    }
  }
  return found;
}

// The assignment with the provider being left that still runs when the
// case takes effect; nullptr if none.
const v1::Assignment* AssignmentLeft(const v1::Client& c,
                                     const v1::RechoiceCase& rc) {
  const v1::Assignment* ending = nullptr;
  for (const v1::Assignment* a : AssignmentsFrom(c, rc.effective_date())) {
    if (a->provider_id() == rc.provider_id()) ending = a;
  }
  return ending;
}

void RecordOutcome(const DueCase& d, const absl::StatusOr<v1::Client>& client,
                   const std::vector<v1::ChoiceEvent>& published,
                   v1::RunDueAllocationsResponse* out) {
  if (!client.ok()) {
    auto* f = out->add_failed();
    f->set_client_id(d.client_id);
    f->set_case_id(d.case_id);
    f->set_error(std::string(client.status().message()));
    log::Error("re-choice case could not be allocated",
               {{"client_id", d.client_id},
                {"case_id", d.case_id},
                {"error", client.status()}});
    return;
  }
  for (const auto& e : published) {
    if (!e.has_assignment_started()) continue;
    auto* a = out->add_allocated();
    a->set_client_id(d.client_id);
    a->set_case_id(d.case_id);
    *a->mutable_assignment() = e.assignment_started().assignment();
    *a->mutable_explanation() = e.assignment_started().explanation();
  }
}

}  // namespace

absl::StatusOr<v1::RunDueAllocationsResponse> ChoiceApp::RunDueAllocations(
    const v1::RunDueAllocationsRequest& request) {
  absl::StatusOr<absl::CivilDay> as_of =
      DateOr("as_of", request.as_of(), Today());
  if (!as_of.ok()) return as_of.status();
  absl::StatusOr<std::vector<DueCase>> due = store_->DueCases(*as_of - 1);
  if (!due.ok()) return due.status();
  absl::StatusOr<std::vector<DueCase>> ordered = InDecisionOrder(*store_, *due);
  if (!ordered.ok()) return ordered.status();
  v1::RunDueAllocationsResponse out;
  for (const DueCase& d : *ordered) {
    std::vector<v1::ChoiceEvent> published;
    absl::StatusOr<v1::Client> client = AllocateDueCase(d, &published);
    RecordOutcome(d, client, published, &out);
  }
  return out;
}

absl::StatusOr<v1::Client> ChoiceApp::AllocateDueCase(
    const DueCase& due, std::vector<v1::ChoiceEvent>* published) {
  const v1::AllocateNonChoiceRequest key = ServiceRequest(
      absl::StrCat("case-allocation:", due.client_id, ":", due.case_id),
      due.client_id);
  return ChangeClient(
      key, key.request_id(), due.client_id,
      [&](const v1::Client& c, const ChoiceContext& ctx, ClientPlan* plan) {
        const v1::RechoiceCase* rc = OpenCaseById(c, due.case_id);
        if (rc == nullptr) return absl::OkStatus();
        const v1::Assignment* ending = AssignmentLeft(c, *rc);
        if (ending == nullptr || c.status() == v1::CLIENT_STATUS_ENDED) {
          plan->events.push_back(
              CaseClosed(c.client_id(), rc->case_id(), "withdrawn"));
          return absl::OkStatus();
        }
        absl::Status s = PlanAllocation(
            c, ctx,
            {.zone_id = rc->zone_id(),
             .category_ids = {ending->category_ids().begin(),
                              ending->category_ids().end()},
             .from = Day(rc->effective_date()),
             .excluded_provider_id = rc->provider_id(),
             .trigger = absl::StrCat("re-choice case ", rc->case_id(),
                                     " passed its deadline ", rc->deadline(),
                                     " without a choice: ", rc->cause()),
             .reason = v1::ASSIGNMENT_REASON_TRANSFERRED,
             .ending = ending},
            plan);
        if (!s.ok()) return s;
        plan->events.push_back(
            CaseClosed(c.client_id(), rc->case_id(), "allocated"));
        return absl::OkStatus();
      },
      published);
}

}  // namespace lov::choice
