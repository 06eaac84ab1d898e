// A provider's statement for a month: as approved, or as it stands now.
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {

absl::StatusOr<v1::Statement> SettlementApp::GetStatement(
    const v1::GetStatementRequest& request) {
  return Current(request.provider_id(), request.period());
}

}  // namespace lov::settlement
