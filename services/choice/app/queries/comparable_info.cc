#include "lov/choice/app/queries/comparable_info.h"

#include <optional>
#include <utility>

#include "lov/choice/domain/comparable_info.h"

namespace lov::choice {

std::vector<const Standing*> OfferingLanguage(
    std::vector<const Standing*> eligible, const ChoiceContext& ctx,
    const std::string& language) {
  if (language.empty()) return eligible;
  std::vector<const Standing*> out;
  for (const Standing* s : eligible) {
    const reg::Provider* p = ctx.Provider(s->provider_id);
    if (p != nullptr && OffersLanguage(p->profile(), language)) {
      out.push_back(s);
    }
  }
  return out;
}

absl::Status AttachIndicators(ChoiceStore& store, const std::string& zone_id,
                              v1::ListEligibleProvidersResponse* list) {
  std::vector<std::string> ids;
  for (const auto& p : list->providers()) ids.push_back(p.provider_id());
  absl::StatusOr<std::vector<IndicatorRows>> rows =
      store.GetIndicators(ids, zone_id);
  if (!rows.ok()) return rows.status();
  if (rows->size() != ids.size()) {
    return absl::InternalError("indicators read: one row set per provider");
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    std::optional<fu::ProviderIndicators> shown = IndicatorsToShow((*rows)[i]);
    if (shown) {
      *list->mutable_providers(static_cast<int>(i))->mutable_indicators() =
          *std::move(shown);
    }
  }
  return absl::OkStatus();
}

}  // namespace lov::choice
