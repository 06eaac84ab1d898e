#ifndef LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_H_
#define LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "lov/platform/clock.h"
#include "lov/platform/command_runner.h"
#include "lov/registry/ports.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

// The registry's use cases, one file each: app/commands/<use case>.cc for
// writes, app/queries/<use case>.cc for reads. Every write goes through the
// platform's CommandRunner (lock, request id, decide, publish, apply).
class RegistryApp {
 public:
  // The flag (and LOV_PROVIDER_ID_KEY) of the secret key for sole traders'
  // provider ids; the registry refuses to start without it
  // (lov::ReadSecretKey). Changing it changes those ids.
  static constexpr char kProviderIdKeyFlag[] = "provider-id-key";
  // The key once built in for development: it is in the source, so
  // lov::ReadSecretKey refuses it.
  static constexpr char kDevelopmentProviderIdKey[] =
      "lov-registry-dev-key-not-for-production";

  RegistryApp(RegistryStore* store, EventPublisher* publisher,
              const Clock* clock, std::string provider_id_key);

  absl::StatusOr<v1::Municipality> ConfigureMunicipality(
      const v1::ConfigureMunicipalityRequest& request);
  absl::StatusOr<v1::Municipality> GetMunicipality();
  absl::StatusOr<v1::Municipality> GetMunicipality(
      const v1::GetMunicipalityRequest&) {
    return GetMunicipality();
  }
  absl::StatusOr<v1::Provider> RegisterProvider(
      const v1::RegisterProviderRequest& request);
  absl::StatusOr<v1::Provider> UpdateProvider(
      const v1::UpdateProviderRequest& request);
  absl::StatusOr<v1::Provider> SubmitApplication(
      const v1::SubmitApplicationRequest& request);
  absl::StatusOr<v1::Provider> DecideApplication(
      const v1::DecideApplicationRequest& request);
  absl::StatusOr<v1::Provider> SetCapacity(
      const v1::SetCapacityRequest& request);
  absl::StatusOr<v1::Provider> GiveNotice(const v1::GiveNoticeRequest& request);
  absl::StatusOr<v1::Provider> WithdrawNotice(
      const v1::WithdrawNoticeRequest& request);
  absl::StatusOr<v1::Provider> SetIntakePaused(
      const v1::SetIntakePausedRequest& request);
  absl::StatusOr<v1::Provider> ImposeSanction(
      const v1::ImposeSanctionRequest& request);
  absl::StatusOr<v1::Provider> LiftSuspension(
      const v1::LiftSuspensionRequest& request);
  absl::StatusOr<v1::Provider> SetPaymentDetails(
      const v1::SetPaymentDetailsRequest& request);

  absl::StatusOr<v1::ProviderStatus> GetProvider(
      const v1::GetProviderRequest& request);
  absl::StatusOr<v1::ListProvidersResponse> ListProviders(
      const v1::ListProvidersRequest& request);
  absl::StatusOr<v1::GetProviderHistoryResponse> GetProviderHistory(
      const v1::GetProviderHistoryRequest& request);

 private:
  // Decides the new provider state from the municipality and the current
  // one, and fills the event payload from it.
  using Decide = std::function<absl::StatusOr<v1::Provider>(
      const v1::Municipality&, const v1::Provider&)>;
  using Fill =
      std::function<void(const v1::Provider& before, const v1::Provider& after,
                         v1::RegistryEvent*)>;

  // Every change of an existing provider: one event, the provider after it.
  absl::StatusOr<v1::Provider> ChangeProvider(
      const google::protobuf::Message& request, const std::string& request_id,
      const std::string& provider_id, const Decide& decide, const Fill& fill);
  absl::StatusOr<v1::Municipality> RequireMunicipality();
  absl::StatusOr<v1::Provider> RequireProvider(const std::string& provider_id);
  absl::CivilDay Today() const;

  RegistryStore* store_;
  const Clock* clock_;
  std::string provider_id_key_;
  CommandRunner<v1::RegistryEvent> runner_;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_H_
