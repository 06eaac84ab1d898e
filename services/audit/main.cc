// The audit service: names its parts; lov::ServiceMain does the wiring.
#include "lov/audit/adapters/redis_audit_store.h"
#include "lov/audit/api/audit_grpc.h"
#include "lov/audit/app/audit_app.h"
#include "lov/platform/service_main.h"
#include "lov/platform/topics.h"

namespace lov::audit {
namespace {

absl::Status Wire(ServiceContext& ctx) {
  auto* store = ctx.Make<RedisAuditStore>(ctx.redis(), ctx.KeyPrefix());
  auto* app = ctx.Make<AuditApp>(store);
  ctx.Serve(ctx.Make<AuditGrpc>(app, ctx.pool()), "lov.audit.v1.AuditService");
  ctx.Project("state", {ctx.Topic(topics::kAudit)}, store->ReadyKey(),
              [app](const CloudEvent& ce) { return app->RecordAccess(ce); });
  return absl::OkStatus();
}

}  // namespace
}  // namespace lov::audit

int main(int argc, char** argv) {
  return lov::ServiceMain(argc, argv,
                          {.name = "audit",
                           .grpc_port = 50056,
                           .metrics_port = 9106,
                           .topics = {lov::topics::kAudit},
                           .wire = lov::audit::Wire});
}
