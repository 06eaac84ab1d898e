// The municipality's current finance settings (SetFinanceSettings).
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {

absl::StatusOr<v1::FinanceSettings> SettlementApp::GetFinanceSettings(
    const v1::GetFinanceSettingsRequest&) {
  absl::StatusOr<std::optional<v1::FinanceSettings>> stored =
      store_->GetFinanceSettings();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(
        "no finance settings yet: set them with SetFinanceSettings (lovctl "
        "settlement finance-settings set --file FILE)");
  }
  return **stored;
}

}  // namespace lov::settlement
