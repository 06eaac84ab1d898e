// The municipality sets how listing fees (listningsersättning) are counted
// when a client changes provider mid-month: by days listed, or whole months
// to the provider listed on the 15th.
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {
absl::StatusOr<v1::ListingRule> SettlementApp::SetListingRule(
    const v1::SetListingRuleRequest& request) {
  if (request.rule().kind() == v1::LISTING_RULE_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "rule.kind: PRO_RATA_DAYS or PROVIDER_ON_15TH is required");
  }
  return RunCommand<v1::ListingRule>(
      kRatesAggregate, [&]() -> absl::StatusOr<Decided<v1::ListingRule>> {
        absl::StatusOr<Event> event = NextEvent(kRatesAggregate);
        if (!event.ok()) return event.status();
        *event->mutable_listing_rule_set()->mutable_rule() = request.rule();
        return Decided<v1::ListingRule>({std::move(*event)}, request.rule());
      });
}

}  // namespace lov::settlement
