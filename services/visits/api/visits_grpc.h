#ifndef LOV_SERVICES_VISITS_API_VISITS_GRPC_H_
#define LOV_SERVICES_VISITS_API_VISITS_GRPC_H_

#include "lov/platform/worker_pool.h"
#include "lov/visits/app/visits_app.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::visits {

// gRPC edge: unary calls run on the worker pool; the upload stream is a
// callback reactor that reads ahead while one batch at a time is verified,
// published and recorded on the pool, and writes outcomes in order.
class VisitsGrpc final : public v1::VisitsService::CallbackService {
 public:
  VisitsGrpc(VisitsApp* app, WorkerPool* pool, int batch_size)
      : app_(app), pool_(pool), batch_size_(batch_size) {}

  LOV_UNARY_RPC(ReportVisit, ReportVisitRequest, ReportOutcome)
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
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_API_VISITS_GRPC_H_
