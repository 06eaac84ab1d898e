#ifndef LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_
#define LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/choice/app/personnummer_key.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/v1/choice.pb.h"
#include "lov/platform/clock.h"
#include "lov/choice/ports.h"

namespace lov::choice {

// The choice service's use cases. Every write: check the request id, lock
// the client, load, decide the events with the domain rules, take capacity
// slots atomically, publish (durable in Kafka before anything is
// acknowledged; slots are given back if that fails), update the serving
// state.
class ChoiceApp {
 public:
  ChoiceApp(ChoiceStore* store, EventPublisher* publisher, const Clock* clock,
            PersonnummerKey key)
      : store_(store),
        publisher_(publisher),
        clock_(clock),
        key_(std::move(key)) {}

  absl::StatusOr<v1::Client> RegisterClient(
      const v1::RegisterClientRequest& request);
  absl::StatusOr<v1::Client> GetClient(const v1::GetClientRequest& request);
  absl::StatusOr<v1::Client> FindClient(const v1::FindClientRequest& request);
  absl::StatusOr<v1::Client> RegisterDecision(
      const v1::RegisterDecisionRequest& request);
  absl::StatusOr<v1::Client> ChangeDecision(
      const v1::ChangeDecisionRequest& request);
  absl::StatusOr<v1::Client> ChangeClientZone(
      const v1::ChangeClientZoneRequest& request);
  absl::StatusOr<v1::Client> EndClient(const v1::EndClientRequest& request);
  absl::StatusOr<v1::ListEligibleProvidersResponse> ListEligibleProviders(
      const v1::ListEligibleProvidersRequest& request);
  absl::StatusOr<v1::ChooseResponse> Choose(const v1::ChooseRequest& request);
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
  // What every decision reads.
  struct Context {
    registry::v1::Municipality municipality;
    std::vector<registry::v1::Provider> providers;
    v1::ChoicePolicy policy;
    absl::CivilDay today;
    std::string in_house_provider_id;
    const registry::v1::Provider* Provider(const std::string& id) const;
  };
  // Events (payloads only) a command decided, the slots they took and the
  // locks held until they are stored.
  struct Plan {
    std::vector<v1::ChoiceEvent> events;
    std::vector<Reservation> reservations;
    std::vector<std::unique_ptr<AggregateLock>> locks;
  };
  using Decide =
      std::function<absl::Status(const v1::Client&, const Context&, Plan*)>;

  absl::StatusOr<v1::Client> ChangeClient(
      const std::string& fingerprint, const std::string& request_id,
      const std::string& client_id, const Decide& decide,
      std::vector<v1::ChoiceEvent>* published = nullptr);
  absl::StatusOr<Context> LoadContext();
  // After `decision` is registered or changed: categories it grants that no
  // assignment serves from its first day (today at the earliest) are
  // served by the provider of the client's running assignment, if that
  // provider is approved for them and not leaving, paused or suspended
  // (ASSIGNMENT_REASON_EXTENDED; the client already holds its slot, so no
  // cap applies). Otherwise the client chooses for them.
  absl::Status PlanCategoryExtension(const v1::Client& client,
                                     const Context& ctx,
                                     const v1::Decision& decision, Plan* plan);
  // Every provider's standing for a client granted `client_minutes` a
  // month in `category_ids`.
  absl::StatusOr<std::vector<Standing>> Standings(
      const Context& ctx, const std::string& zone_id,
      const std::vector<std::string>& category_ids, absl::CivilDay day,
      int64_t client_minutes);
  // One provider's standing, its slots counted from `day`.
  absl::StatusOr<Standing> StandingFor(const Context& ctx,
                                       const reg::Provider& provider,
                                       const std::string& zone_id,
                                       const std::vector<std::string>& cats,
                                       absl::CivilDay day,
                                       int64_t client_minutes);
  // Plans a non-choice allocation of `category_ids` in `zone_id` from
  // `from`; appends AssignmentStarted (ending `ending`, if any) to the plan.
  absl::Status PlanAllocation(
      const v1::Client& client, const Context& ctx, const std::string& zone_id,
      const std::vector<std::string>& category_ids, absl::CivilDay from,
      const std::string& excluded_provider_id, const std::string& trigger,
      v1::AssignmentReason reason, const v1::Assignment* ending, Plan* plan);
  absl::StatusOr<std::string> PreviousResult(const std::string& request_id,
                                             const std::string& fingerprint);
  absl::StatusOr<v1::ChoicePolicy> CurrentPolicy();
  // A provider withdrew its notice: its clients' open re-choice cases for
  // that leaving date are closed ("withdrawn"); nobody is allocated.
  absl::Status CloseCasesForWithdrawnNotice(
      const registry::v1::RegistryEvent& event);
  absl::Status OpenCasesForDeparture(const registry::v1::RegistryEvent& event,
                                     const std::string& provider_id,
                                     const std::string& zone_id,
                                     const std::string& leaving_date,
                                     const std::string& cause);
  v1::ChoiceEvent NewEvent(const std::string& aggregate_id, int64_t version,
                           const std::string& request_id,
                           const std::string& fingerprint) const;
  absl::Status PublishAndApply(std::vector<v1::ChoiceEvent> events);
  void ReleaseAll(const Plan& plan);
  absl::CivilDay Today() const;

  ChoiceStore* store_;
  EventPublisher* publisher_;
  const Clock* clock_;
  PersonnummerKey key_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_CHOICE_APP_H_
