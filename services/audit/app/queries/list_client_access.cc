// Who has looked at or changed a client's data (the client's access log),
// newest first.
#include "lov/audit/app/audit_app.h"

namespace lov::audit {

absl::StatusOr<v1::ListAccessResponse> AuditApp::ListClientAccess(
    const v1::ListClientAccessRequest& request) {
  return ListAccess(AccessIndex::kByClient, "client_id", request.client_id(),
                    PageQueryOf(request));
}

}  // namespace lov::audit
