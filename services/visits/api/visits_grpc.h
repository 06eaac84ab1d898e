#ifndef LOV_SERVICES_VISITS_API_VISITS_GRPC_H_
#define LOV_SERVICES_VISITS_API_VISITS_GRPC_H_

#include "lov/platform/worker_pool.h"
#include "lov/visits/api/upload_quota.h"
#include "lov/visits/app/visits_app.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::visits {

// gRPC edge: unary calls run on the worker pool; the upload stream is a
// callback reactor that reads ahead while one batch at a time is verified,
// published and recorded on the pool, and writes outcomes in order. Every
// report, streamed or single, first passes the provider's quota (`quota`).
class VisitsGrpc final : public v1::VisitsService::CallbackService {
 public:
  VisitsGrpc(VisitsApp* app, WorkerPool* pool, int batch_size,
             UploadQuota* quota)
      : app_(app), pool_(pool), batch_size_(batch_size), quota_(quota) {}

  grpc::ServerUnaryReactor* ReportVisit(grpc::CallbackServerContext* context,
                                        const v1::ReportVisitRequest* request,
                                        v1::ReportOutcome* response) override;
  LOV_UNARY_RPC(CorrectVisit, CorrectVisitRequest, CorrectVisitResponse)
  LOV_UNARY_RPC(VoidVisit, VoidVisitRequest, VoidVisitResponse)
  LOV_UNARY_RPC(GetVisit, GetVisitRequest, GetVisitResponse)
  LOV_UNARY_RPC(ListRejected, ListRejectedRequest, ListRejectedResponse)
  LOV_UNARY_RPC(ListExceptions, ListExceptionsRequest, ListExceptionsResponse)
  LOV_UNARY_RPC(ReviewExceptions, ReviewExceptionsRequest, ExceptionEntry)
  LOV_UNARY_RPC(GetPerformedVsGranted, GetPerformedVsGrantedRequest,
                GetPerformedVsGrantedResponse)
  LOV_UNARY_RPC(ListDeviations, ListDeviationsRequest, ListDeviationsResponse)
  LOV_UNARY_RPC(GetClientContext, GetClientContextRequest,
                GetClientContextResponse)

  grpc::ServerBidiReactor<v1::UploadVisitsRequest, v1::UploadVisitsResponse>*
  UploadVisits(grpc::CallbackServerContext* context) override;

 private:
  VisitsApp* app_;
  WorkerPool* pool_;
  int batch_size_;
  UploadQuota* quota_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_API_VISITS_GRPC_H_
