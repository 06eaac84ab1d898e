#ifndef LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_
#define LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_

#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/neutrality_reports.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/worker_pool.h"

namespace lov::choice {

// gRPC edge: translates requests to ChoiceApp calls on the worker pool and
// absl::Status to gRPC status codes one to one.
class ChoiceGrpc final : public v1::ChoiceService::CallbackService {
 public:
  ChoiceGrpc(ChoiceApp* app, WorkerPool* pool, NeutralityStore* neutrality)
      : app_(app), pool_(pool), reports_(neutrality) {}

  LOV_UNARY_RPC(RegisterClient, RegisterClientRequest, Client)
  LOV_UNARY_RPC(GetClient, GetClientRequest, Client)
  LOV_UNARY_RPC(FindClient, FindClientRequest, Client)
  LOV_UNARY_RPC(RegisterDecision, RegisterDecisionRequest, Client)
  LOV_UNARY_RPC(ChangeDecision, ChangeDecisionRequest, Client)
  LOV_UNARY_RPC(ReviseDecision, ReviseDecisionRequest, Client)
  LOV_UNARY_RPC(ChangeClientZone, ChangeClientZoneRequest, Client)
  LOV_UNARY_RPC(EndClient, EndClientRequest, Client)
  LOV_UNARY_RPC(ListEligibleProviders, ListEligibleProvidersRequest,
                ListEligibleProvidersResponse)
  LOV_UNARY_RPC(Choose, ChooseRequest, ChooseResponse)
  LOV_UNARY_RPC(AllocateNonChoice, AllocateNonChoiceRequest,
                AllocateNonChoiceResponse)
  LOV_UNARY_RPC(ConfigurePolicy, ConfigurePolicyRequest, ChoicePolicy)
  LOV_UNARY_RPC(GetPolicy, GetPolicyRequest, ChoicePolicy)
  LOV_UNARY_RPC(RunDueAllocations, RunDueAllocationsRequest,
                RunDueAllocationsResponse)
  LOV_UNARY_RPC(ListAssignments, ListAssignmentsRequest,
                ListAssignmentsResponse)
  LOV_UNARY_RPC(ListRechoiceCases, ListRechoiceCasesRequest,
                ListRechoiceCasesResponse)
  LOV_UNARY_RPC(GetZoneHealth, GetZoneHealthRequest, GetZoneHealthResponse)
  grpc::ServerUnaryReactor* GetNeutralityReport(
      grpc::CallbackServerContext* context,
      const v1::GetNeutralityReportRequest* request,
      v1::GetNeutralityReportResponse* response) override {
    static const auto* method = MethodOf(
        v1::GetNeutralityReportRequest::descriptor(), "GetNeutralityReport");
    return RunUnary(context, *pool_, method, request, response,
                    [this, request, response] {
                      auto result = reports_.GetNeutralityReport(*request);
                      if (result.ok()) *response = std::move(*result);
                      return result.status();
                    });
  }

 private:
  ChoiceApp* app_;
  WorkerPool* pool_;
  NeutralityReports reports_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_API_CHOICE_GRPC_H_
