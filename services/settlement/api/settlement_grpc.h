#ifndef LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_
#define LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_

#include "lov/platform/worker_pool.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"

namespace lov::settlement {

// gRPC edge: translates requests to SettlementApp calls on the worker pool
// and absl::Status to gRPC status codes one to one.
class SettlementGrpc final : public v1::SettlementService::CallbackService {
 public:
  SettlementGrpc(SettlementApp* app, WorkerPool* pool)
      : app_(app), pool_(pool) {}

  LOV_UNARY_RPC(AddRateTable, AddRateTableRequest, RateTable)
  LOV_UNARY_RPC(ListRateTables, ListRateTablesRequest, ListRateTablesResponse)
  LOV_UNARY_RPC(SetListingRule, SetListingRuleRequest, ListingRule)
  LOV_UNARY_RPC(CreateOneOffPayment, CreateOneOffPaymentRequest, OneOffPayment)
  LOV_UNARY_RPC(PreviewStatement, PreviewStatementRequest, Statement)
  LOV_UNARY_RPC(ApproveStatement, ApproveStatementRequest, Statement)
  LOV_UNARY_RPC(GetStatement, GetStatementRequest, Statement)
  LOV_UNARY_RPC(ExportStatement, ExportStatementRequest,
                ExportStatementResponse)
  LOV_UNARY_RPC(GetFollowUp, GetFollowUpRequest, FollowUp)
  LOV_UNARY_RPC(ExportMonth, ExportMonthRequest, ExportMonthResponse)
  LOV_UNARY_RPC(PreviewMonth, PreviewMonthRequest, MonthRun)
  LOV_UNARY_RPC(GetMonthRun, GetMonthRunRequest, MonthRun)
  LOV_UNARY_RPC(ApproveMonth, ApproveMonthRequest, MonthRunApproval)
  LOV_UNARY_RPC(SetFinanceSettings, SetFinanceSettingsRequest, FinanceSettings)
  LOV_UNARY_RPC(GetFinanceSettings, GetFinanceSettingsRequest, FinanceSettings)

 private:
  SettlementApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_API_SETTLEMENT_GRPC_H_
