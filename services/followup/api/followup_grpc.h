#ifndef LOV_SERVICES_FOLLOWUP_API_FOLLOWUP_GRPC_H_
#define LOV_SERVICES_FOLLOWUP_API_FOLLOWUP_GRPC_H_

#include "lov/followup/app/followup_app.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/worker_pool.h"

namespace lov::followup {

// gRPC edge: translates requests to FollowupApp calls on the worker pool
// and absl::Status to gRPC status codes one to one.
class FollowupGrpc final : public v1::FollowupService::CallbackService {
 public:
  FollowupGrpc(FollowupApp* app, WorkerPool* pool) : app_(app), pool_(pool) {}

  LOV_UNARY_RPC(RegisterComplaint, RegisterComplaintRequest, Complaint)
  LOV_UNARY_RPC(AdvanceComplaint, AdvanceComplaintRequest, Complaint)
  LOV_UNARY_RPC(ListComplaints, ListComplaintsRequest, ListComplaintsResponse)
  LOV_UNARY_RPC(ReportDeviation, ReportDeviationRequest, Deviation)
  LOV_UNARY_RPC(ReportToIvo, ReportToIvoRequest, Deviation)
  LOV_UNARY_RPC(ListDeviations, ListDeviationsRequest, ListDeviationsResponse)
  LOV_UNARY_RPC(PlanFollowUp, PlanFollowUpRequest, FollowUp)
  LOV_UNARY_RPC(CompleteFollowUp, CompleteFollowUpRequest, FollowUp)
  LOV_UNARY_RPC(RecordActionPlan, RecordActionPlanRequest, FollowUp)
  LOV_UNARY_RPC(ListFollowUps, ListFollowUpsRequest, ListFollowUpsResponse)
  LOV_UNARY_RPC(ListContinuity, ListContinuityRequest, ListContinuityResponse)
  LOV_UNARY_RPC(ListIndicators, ListIndicatorsRequest, ListIndicatorsResponse)
  LOV_UNARY_RPC(ImportSurveyResults, ImportSurveyResultsRequest,
                ImportSurveyResultsResponse)

 private:
  FollowupApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_API_FOLLOWUP_GRPC_H_
