#ifndef LOV_SERVICES_CHOICE_APP_QUERIES_COMPARABLE_INFO_H_
#define LOV_SERVICES_CHOICE_APP_QUERIES_COMPARABLE_INFO_H_

// The eligible list's comparable information (issue 19 item 5), apart from
// the list's neutral order: the language filter before the shuffle, the
// follow-up indicators on the page shown. Neither changes the order of the
// providers that remain (docs/choice.md).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lov/choice/app/use_case_support.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/ports.h"
#include "lov/choice/v1/choice.pb.h"

namespace lov::choice {

// The providers of `eligible` whose registry profile offers `language`
// (normalised, see NormalizeLanguage), in their order; all of them when
// `language` is empty.
std::vector<const Standing*> OfferingLanguage(
    std::vector<const Standing*> eligible, const ChoiceContext& ctx,
    const std::string& language);

// Sets each listed provider's indicators for `zone_id` (its zone row, else
// its all-zones row; none when neither was published), in one read.
absl::Status AttachIndicators(ChoiceStore& store, const std::string& zone_id,
                              v1::ListEligibleProvidersResponse* list);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_QUERIES_COMPARABLE_INFO_H_
