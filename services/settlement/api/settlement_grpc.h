#ifndef LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_
#define LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_

#include "lov/settlement/app/settlement_app.h"
#include "lov/platform/worker_pool.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"

namespace lov::settlement {

// gRPC edge: translates requests to SettlementApp calls on the worker pool
// and absl::Status to gRPC status codes one to one.
class SettlementGrpc final : public v1::SettlementService::CallbackService {
 public:
  SettlementGrpc(SettlementApp* app, WorkerPool* pool)
      : app_(app), pool_(pool) {}

#define LOV_SETTLEMENT_RPC(Method, Request, Response)                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request,           \
                                   v1::Response* response) override {    \
    return RunUnary(context, *pool_, [this, request, response] {         \
      auto result = app_->Method(*request);                              \
      if (result.ok()) *response = std::move(*result);                   \
      return result.status();                                            \
    });                                                                  \
  }
  LOV_SETTLEMENT_RPC(AddRateTable, AddRateTableRequest, RateTable)
  LOV_SETTLEMENT_RPC(ListRateTables, ListRateTablesRequest,
                     ListRateTablesResponse)
  LOV_SETTLEMENT_RPC(SetListingRule, SetListingRuleRequest, ListingRule)
  LOV_SETTLEMENT_RPC(CreateOneOffPayment, CreateOneOffPaymentRequest,
                     OneOffPayment)
  LOV_SETTLEMENT_RPC(PreviewStatement, PreviewStatementRequest, Statement)
  LOV_SETTLEMENT_RPC(ApproveStatement, ApproveStatementRequest, Statement)
  LOV_SETTLEMENT_RPC(GetStatement, GetStatementRequest, Statement)
  LOV_SETTLEMENT_RPC(ExportStatement, ExportStatementRequest,
                     ExportStatementResponse)
  LOV_SETTLEMENT_RPC(GetFollowUp, GetFollowUpRequest, FollowUp)
#undef LOV_SETTLEMENT_RPC

 private:
  SettlementApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_
