// The municipality sets its finance settings (who it is in the finance
// files, the account it pays from, its chart of accounts): checked, and
// published as FinanceSettingsChanged on the "finance-settings" aggregate,
// whose version is the settings' version. Setting what is stored already
// publishes nothing and answers the stored version.
#include "lov/platform/actor.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/finance_settings.h"

namespace lov::settlement {

absl::StatusOr<v1::FinanceSettings> SettlementApp::SetFinanceSettings(
    const v1::SetFinanceSettingsRequest& request) {
  if (!request.has_settings()) {
    return absl::InvalidArgumentError(
        "settings: required (municipality, chart, buyer)");
  }
  absl::StatusOr<v1::FinanceSettings> settings =
      NormalizeFinanceSettings(request.settings());
  if (!settings.ok()) return settings.status();
  return RunCommand<v1::FinanceSettings>(
      kFinanceSettingsAggregate,
      [&]() -> absl::StatusOr<Decided<v1::FinanceSettings>> {
        absl::StatusOr<std::optional<v1::FinanceSettings>> stored =
            store_->GetFinanceSettings();
        if (!stored.ok()) return stored.status();
        if (stored->has_value() && SameFinanceSettings(**stored, *settings)) {
          return Decided<v1::FinanceSettings>({}, **stored);
        }
        absl::StatusOr<Event> event = NextEvent(kFinanceSettingsAggregate);
        if (!event.ok()) return event.status();
        v1::FinanceSettings changed = *settings;
        changed.set_version(event->aggregate_version());
        *changed.mutable_changed_at() = ToProtoTime(clock_->Now());
        changed.set_changed_by(AccountableName(""));
        *event->mutable_finance_settings_changed()->mutable_settings() =
            changed;
        return Decided<v1::FinanceSettings>({*std::move(event)},
                                            std::move(changed));
      });
}

}  // namespace lov::settlement
