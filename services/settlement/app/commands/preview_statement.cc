// A controller previews a provider's monthly statement (utbetalningsunderlag)
// before approving it. A preview is a read: nothing is published or stored
// (approval recomputes from the inputs and checks the digest shown here).
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {

absl::StatusOr<v1::Statement> SettlementApp::PreviewStatement(
    const v1::PreviewStatementRequest& request) {
  // An approved period is returned as approved; nothing is recomputed.
  return Current(request.provider_id(), request.period());
}

}  // namespace lov::settlement
