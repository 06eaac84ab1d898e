// What a user (HSA-id) or system accessed in a period, newest first.
#include "lov/audit/app/audit_app.h"

namespace lov::audit {

absl::StatusOr<v1::ListAccessResponse> AuditApp::ListActorAccess(
    const v1::ListActorAccessRequest& request) {
  return ListAccess(AccessIndex::kByActor, "subject", request.subject(),
                    PageQueryOf(request));
}

}  // namespace lov::audit
