#ifndef LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_
#define LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_

#include "lov/platform/worker_pool.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/v1/registry.grpc.pb.h"

namespace lov::registry {

// gRPC edge: translates requests to RegistryApp calls on the worker pool
// and absl::Status to gRPC status codes one to one.
class RegistryGrpc final : public v1::RegistryService::CallbackService {
 public:
  RegistryGrpc(RegistryApp* app, WorkerPool* pool) : app_(app), pool_(pool) {}

  LOV_UNARY_RPC(ConfigureMunicipality, ConfigureMunicipalityRequest,
                Municipality)
  LOV_UNARY_RPC(RegisterProvider, RegisterProviderRequest, Provider)
  LOV_UNARY_RPC(UpdateProvider, UpdateProviderRequest, Provider)
  LOV_UNARY_RPC(SubmitApplication, SubmitApplicationRequest, Provider)
  LOV_UNARY_RPC(DecideApplication, DecideApplicationRequest, Provider)
  LOV_UNARY_RPC(SetCapacity, SetCapacityRequest, Provider)
  LOV_UNARY_RPC(GiveNotice, GiveNoticeRequest, Provider)
  LOV_UNARY_RPC(WithdrawNotice, WithdrawNoticeRequest, Provider)
  LOV_UNARY_RPC(SetIntakePaused, SetIntakePausedRequest, Provider)
  LOV_UNARY_RPC(ImposeSanction, ImposeSanctionRequest, Provider)
  LOV_UNARY_RPC(LiftSuspension, LiftSuspensionRequest, Provider)
  LOV_UNARY_RPC(SetPaymentDetails, SetPaymentDetailsRequest, Provider)
  LOV_UNARY_RPC(GetProvider, GetProviderRequest, ProviderStatus)
  LOV_UNARY_RPC(ListProviders, ListProvidersRequest, ListProvidersResponse)
  LOV_UNARY_RPC(GetProviderHistory, GetProviderHistoryRequest,
                GetProviderHistoryResponse)

  LOV_UNARY_RPC(GetMunicipality, GetMunicipalityRequest, Municipality)

 private:
  RegistryApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_
