#ifndef LOV_SERVICES_AUDIT_API_AUDIT_GRPC_H_
#define LOV_SERVICES_AUDIT_API_AUDIT_GRPC_H_

#include "lov/audit/app/audit_app.h"
#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/platform/worker_pool.h"

namespace lov::audit {

// gRPC edge: translates requests to AuditApp calls on the worker pool and
// absl::Status to gRPC status codes one to one.
class AuditGrpc final : public v1::AuditService::CallbackService {
 public:
  AuditGrpc(AuditApp* app, WorkerPool* pool) : app_(app), pool_(pool) {}

  LOV_UNARY_RPC(ListClientAccess, ListClientAccessRequest, ListAccessResponse)
  LOV_UNARY_RPC(ListActorAccess, ListActorAccessRequest, ListAccessResponse)

 private:
  AuditApp* app_;
  WorkerPool* pool_;
};

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_API_AUDIT_GRPC_H_
