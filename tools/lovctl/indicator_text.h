#ifndef LOV_TOOLS_LOVCTL_INDICATOR_TEXT_H_
#define LOV_TOOLS_LOVCTL_INDICATOR_TEXT_H_

// A provider's comparable indicators (lov.followup.v1.ProviderIndicators,
// docs/followup.md) as lovctl's tables show them: the same cells for every
// provider, "-" where nothing was counted.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/followup/v1/records.pb.h"

namespace lov::cli {

// The headers of IndicatorCells.
inline std::vector<std::string> IndicatorHeaders() {
  return {"CONTINUITY (14 D)", "EXCEPTIONS", "COMPLAINTS /1000",
          "DEVIATIONS /1000",  "SURVEY",     "FIGURES OF"};
}

// "median 6.5 staff (25 clients)", "3.0% of 600 visits", "40.0 (1 in 12
// months)", "85.0% satisfied (2025, 20 answers)", "north 2026-12-01" or
// "all zones 2026-12-01".
inline std::vector<std::string> IndicatorCells(
    const followup::v1::ProviderIndicators& i) {
  const std::string continuity =
      i.continuity_clients() == 0
          ? "-"
          : absl::StrFormat("median %.1f staff (%d clients)", i.median_staff(),
                            i.continuity_clients());
  const std::string exceptions =
      i.visits() == 0
          ? "-"
          : absl::StrFormat("%.1f%% of %d visits",
                            100.0 * i.visits_with_exceptions() / i.visits(),
                            i.visits());
  const auto per_1000 = [&](double rate, int count) {
    return i.listed_clients() == 0
               ? std::string("-")
               : absl::StrFormat("%.1f (%d in 12 months)", rate, count);
  };
  const std::string survey =
      i.has_survey() && i.survey().respondents() > 0
          ? absl::StrFormat("%.1f%% satisfied (%d, %d answers)",
                            i.survey().overall_satisfied_per_mille() / 10.0,
                            i.survey().year(), i.survey().respondents())
          : "-";
  return {continuity,
          exceptions,
          per_1000(i.complaints_per_1000_clients(), i.complaints_12m()),
          per_1000(i.deviations_per_1000_clients(), i.deviations_12m()),
          survey,
          absl::StrCat(i.zone_id().empty() ? "all zones" : i.zone_id(), " ",
                       i.as_of())};
}

// The cells of a provider without published indicators.
inline std::vector<std::string> NoIndicatorCells() {
  return {"-", "-", "-", "-", "-", "none published"};
}

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_INDICATOR_TEXT_H_
