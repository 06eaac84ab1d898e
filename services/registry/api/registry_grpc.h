#ifndef LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_
#define LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_

#include "app/registry_app.h"
#include "lov/platform/worker_pool.h"
#include "lov/registry/v1/registry.grpc.pb.h"

namespace lov::registry {

// gRPC edge: translates requests to RegistryApp calls on the worker pool
// and absl::Status to gRPC status codes one to one.
class RegistryGrpc final : public v1::RegistryService::CallbackService {
 public:
  RegistryGrpc(RegistryApp* app, WorkerPool* pool) : app_(app), pool_(pool) {}

#define LOV_REGISTRY_RPC(Method, Request, Response)                      \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request,           \
                                   v1::Response* response) override {    \
    return RunUnary(context, *pool_, [this, request, response] {         \
      auto result = app_->Method(*request);                              \
      if (result.ok()) *response = std::move(*result);                   \
      return result.status();                                            \
    });                                                                  \
  }
  LOV_REGISTRY_RPC(ConfigureMunicipality, ConfigureMunicipalityRequest,
                   Municipality)
  LOV_REGISTRY_RPC(RegisterProvider, RegisterProviderRequest, Provider)
  LOV_REGISTRY_RPC(UpdateProvider, UpdateProviderRequest, Provider)
  LOV_REGISTRY_RPC(SubmitApplication, SubmitApplicationRequest, Provider)
  LOV_REGISTRY_RPC(DecideApplication, DecideApplicationRequest, Provider)
  LOV_REGISTRY_RPC(SetCapacity, SetCapacityRequest, Provider)
  LOV_REGISTRY_RPC(GiveNotice, GiveNoticeRequest, Provider)
  LOV_REGISTRY_RPC(WithdrawNotice, WithdrawNoticeRequest, Provider)
  LOV_REGISTRY_RPC(SetIntakePaused, SetIntakePausedRequest, Provider)
  LOV_REGISTRY_RPC(ImposeSanction, ImposeSanctionRequest, Provider)
  LOV_REGISTRY_RPC(LiftSuspension, LiftSuspensionRequest, Provider)
  LOV_REGISTRY_RPC(GetProvider, GetProviderRequest, ProviderStatus)
  LOV_REGISTRY_RPC(ListProviders, ListProvidersRequest, ListProvidersResponse)
  LOV_REGISTRY_RPC(GetProviderHistory, GetProviderHistoryRequest,
                   GetProviderHistoryResponse)
#undef LOV_REGISTRY_RPC

  grpc::ServerUnaryReactor* GetMunicipality(
      grpc::CallbackServerContext* context,
      const v1::GetMunicipalityRequest* request,
      v1::Municipality* response) override {
    return RunUnary(context, *pool_, [this, response] {
      auto result = app_->GetMunicipality();
      if (result.ok()) *response = std::move(*result);
      return result.status();
    });
  }

 private:
  RegistryApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_API_REGISTRY_GRPC_H_
