#ifndef LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_
#define LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_

#include "lov/choice/app/choice_app.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/worker_pool.h"

namespace lov::choice {

// gRPC edge: translates requests to ChoiceApp calls on the worker pool and
// absl::Status to gRPC status codes one to one.
class ChoiceGrpc final : public v1::ChoiceService::CallbackService {
 public:
  ChoiceGrpc(ChoiceApp* app, WorkerPool* pool) : app_(app), pool_(pool) {}

#define LOV_CHOICE_RPC(Method, Request, Response)                        \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request,           \
                                   v1::Response* response) override {    \
    return RunUnary(context, *pool_, [this, request, response] {         \
      auto result = app_->Method(*request);                              \
      if (result.ok()) *response = std::move(*result);                   \
      return result.status();                                            \
    });                                                                  \
  }
  LOV_CHOICE_RPC(RegisterClient, RegisterClientRequest, Client)
  LOV_CHOICE_RPC(GetClient, GetClientRequest, Client)
  LOV_CHOICE_RPC(FindClient, FindClientRequest, Client)
  LOV_CHOICE_RPC(RegisterDecision, RegisterDecisionRequest, Client)
  LOV_CHOICE_RPC(ChangeDecision, ChangeDecisionRequest, Client)
  LOV_CHOICE_RPC(ChangeClientZone, ChangeClientZoneRequest, Client)
  LOV_CHOICE_RPC(EndClient, EndClientRequest, Client)
  LOV_CHOICE_RPC(ListEligibleProviders, ListEligibleProvidersRequest,
                 ListEligibleProvidersResponse)
  LOV_CHOICE_RPC(Choose, ChooseRequest, ChooseResponse)
  LOV_CHOICE_RPC(AllocateNonChoice, AllocateNonChoiceRequest,
                 AllocateNonChoiceResponse)
  LOV_CHOICE_RPC(ConfigurePolicy, ConfigurePolicyRequest, ChoicePolicy)
  LOV_CHOICE_RPC(GetPolicy, GetPolicyRequest, ChoicePolicy)
  LOV_CHOICE_RPC(RunDueAllocations, RunDueAllocationsRequest,
                 RunDueAllocationsResponse)
  LOV_CHOICE_RPC(ListAssignments, ListAssignmentsRequest,
                 ListAssignmentsResponse)
  LOV_CHOICE_RPC(ListRechoiceCases, ListRechoiceCasesRequest,
                 ListRechoiceCasesResponse)
  LOV_CHOICE_RPC(GetZoneHealth, GetZoneHealthRequest, GetZoneHealthResponse)
#undef LOV_CHOICE_RPC

 private:
  ChoiceApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_
