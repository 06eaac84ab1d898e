#ifndef LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_
#define LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/choice/app/personnummer_key.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/choice/app/use_case_support.h"
#include "lov/choice/ports.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/platform/clock.h"
#include "lov/platform/command_runner.h"
#include "lov/platform/ids.h"

namespace lov::choice {

// The choice service's use cases, one file each: app/commands/ for writes,
// app/queries/ for reads, app/reactions/ for the registry's events. Every
// write goes through the platform's CommandRunner: lock the client, check
// the request id, load, decide the events with the domain rules (taking
// capacity slots atomically), publish (durable in Kafka before anything is
// acknowledged; slots are given back if that definitely fails, and stay
// pending if its outcome is unknown: ReservationResolver settles those),
// update the serving state.
class ChoiceApp {
 public:
  ChoiceApp(ChoiceStore* store, EventPublisher* publisher, const Clock* clock,
            PersonnummerKey key, const PersonnummerVault* vault);

  absl::StatusOr<v1::Client> RegisterClient(
      const v1::RegisterClientRequest& request);
  absl::StatusOr<v1::Client> GetClient(const v1::GetClientRequest& request);
  absl::StatusOr<v1::Client> FindClient(const v1::FindClientRequest& request);
  absl::StatusOr<v1::Client> RegisterDecision(
      const v1::RegisterDecisionRequest& request);
  absl::StatusOr<v1::Client> ChangeDecision(
      const v1::ChangeDecisionRequest& request);
  // A new decision from a date, the assignments kept
  // (app/commands/revise_decision.cc).
  absl::StatusOr<v1::Client> ReviseDecision(
      const v1::ReviseDecisionRequest& request);
  absl::StatusOr<v1::Client> ChangeClientZone(
      const v1::ChangeClientZoneRequest& request);
  absl::StatusOr<v1::Client> EndClient(const v1::EndClientRequest& request);
  absl::StatusOr<v1::ListEligibleProvidersResponse> ListEligibleProviders(
      const v1::ListEligibleProvidersRequest& request);
  absl::StatusOr<v1::ChooseResponse> Choose(const v1::ChooseRequest& request);
  // How long a command whose publish had an unknown outcome looks for its
  // events in the state before answering so (application tests: none).
  void set_read_back(absl::Duration d) { runner_.set_read_back(d); }
  absl::StatusOr<v1::AllocateNonChoiceResponse> AllocateNonChoice(
      const v1::AllocateNonChoiceRequest& request);
  absl::StatusOr<v1::ChoicePolicy> ConfigurePolicy(
      const v1::ConfigurePolicyRequest& request);
  absl::StatusOr<v1::ChoicePolicy> GetPolicy(const v1::GetPolicyRequest&);
  absl::StatusOr<v1::RunDueAllocationsResponse> RunDueAllocations(
      const v1::RunDueAllocationsRequest& request);
  absl::StatusOr<v1::ListAssignmentsResponse> ListAssignments(
      const v1::ListAssignmentsRequest& request);
  absl::StatusOr<v1::ListRechoiceCasesResponse> ListRechoiceCases(
      const v1::ListRechoiceCasesRequest& request);
  absl::StatusOr<v1::GetZoneHealthResponse> GetZoneHealth(
      const v1::GetZoneHealthRequest& request);

  // Reacts to the registry's topic: keeps the view of providers, opens
  // re-choice cases when a provider gives notice or is terminated, and
  // republishes zone health when it changes. Idempotent.
  absl::Status OnRegistryEvent(const registry::v1::RegistryEvent& event);

  // Publishes ZoneHealth for every zone/category of `zone_ids` (empty: all)
  // whose count of selectable providers or flag changed.
  absl::Status RefreshZoneHealth(const std::vector<std::string>& zone_ids);

 private:
  // The client after a change, and the events (payloads with their
  // versions) that made it.
  struct ClientChange {
    v1::Client client;
    std::vector<v1::ChoiceEvent> events;
  };
  using Decide = std::function<absl::Status(const v1::Client&,
                                            const ChoiceContext&, ClientPlan*)>;

  // Every change of an existing client: NotFound before anything is
  // decided, a retry answers the client as it is now, slots taken while
  // deciding are given back if deciding fails or nothing is stored; zone
  // health is refreshed for the zones touched once the client's lock is
  // released. `published`: the events stored (none on a retry).
  absl::StatusOr<v1::Client> ChangeClient(
      const google::protobuf::Message& request, const std::string& request_id,
      const std::string& client_id, const Decide& decide,
      std::vector<v1::ChoiceEvent>* published = nullptr);
  absl::StatusOr<lov::Decision<v1::ChoiceEvent, ClientChange>> DecideChange(
      const std::string& client_id, const Decide& decide, ClientPlan* plan);
  // The zone health of `zone_ids` (empty: all) that differs from what was
  // last published, and the version published (RefreshZoneHealth).
  absl::StatusOr<std::vector<v1::ZoneHealth>> UnpublishedZoneHealth(
      const std::vector<std::string>& zone_ids, int64_t* version);
  absl::StatusOr<v1::Client> RequireClient(const std::string& client_id);
  absl::StatusOr<reg::Municipality> RequireMunicipality();
  absl::StatusOr<ChoiceContext> LoadContext();
  absl::StatusOr<v1::ChoicePolicy> CurrentPolicy();
  // After `decision` is registered or changed: categories it grants that no
  // assignment serves from its first day (today at the earliest) are
  // served by the provider of the client's running assignment, if that
  // provider is approved for them and not leaving, paused or suspended
  // (ASSIGNMENT_REASON_EXTENDED; the client already holds its slot, so no
  // cap applies). Otherwise the client chooses for them.
  absl::Status PlanCategoryExtension(const v1::Client& client,
                                     const ChoiceContext& ctx,
                                     const v1::Decision& decision,
                                     ClientPlan* plan);
  // What a non-choice allocation is asked: who, where, from when, and the
  // assignment it replaces (if any).
  struct AllocationAsk {
    std::string zone_id;
    std::vector<std::string> category_ids;
    absl::CivilDay from;
    std::string excluded_provider_id;
    std::string trigger;
    v1::AssignmentReason reason = v1::ASSIGNMENT_REASON_UNSPECIFIED;
    const v1::Assignment* ending = nullptr;
  };
  // Plans a non-choice allocation; appends AssignmentStarted to the plan.
  absl::Status PlanAllocation(const v1::Client& client,
                              const ChoiceContext& ctx,
                              const AllocationAsk& ask, ClientPlan* plan);
  // The domain's allocation request for `ask`: standings, the rotation
  // pointer (under the zone's rotation lock when the policy rotates).
  absl::StatusOr<AllocationRequest> AllocationRequestFor(
      const v1::Client& client, const ChoiceContext& ctx,
      const AllocationAsk& ask, int64_t minutes, ClientPlan* plan);
  // Allocates one due re-choice case (or closes it when nothing is left to
  // allocate).
  absl::StatusOr<v1::Client> AllocateDueCase(
      const DueCase& due, std::vector<v1::ChoiceEvent>* published);
  // A provider withdrew its notice: its clients' open re-choice cases for
  // that leaving date are closed ("withdrawn"); nobody is allocated.
  absl::Status CloseCasesForWithdrawnNotice(
      const registry::v1::RegistryEvent& event);
  // Each client holding a slot with the departing provider in `zone_id` on
  // its leaving date is asked to choose again.
  absl::Status OpenCasesForDeparture(const registry::v1::RegistryEvent& event,
                                     const Departure& departure,
                                     const std::string& zone_id);
  void ReleaseAll(const ClientPlan& plan);
  // A new client's data key, durably on the key topic and in the state
  // before its ClientRegistered is published: an acknowledged registration
  // always has its personnummer in the log.
  absl::StatusOr<std::string> IssueDataKey(const std::string& client_id);
  absl::CivilDay Today() const;

  ChoiceStore* store_;
  EventPublisher* publisher_;
  const Clock* clock_;
  PersonnummerKey key_;
  const PersonnummerVault* vault_;
  CommandRunner<v1::ChoiceEvent> runner_;
  // Takes the capacity slots this process reserves (for the logs).
  const std::string instance_ = NewUuid();
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_
