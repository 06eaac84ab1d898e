#ifndef LOV_SERVICES_CHOICE_DOMAIN_COMPARABLE_INFO_H_
#define LOV_SERVICES_CHOICE_DOMAIN_COMPARABLE_INFO_H_

// What the eligible list shows beside each provider so that a client can
// compare them (issue 19 item 5): the follow-up service's indicators and the
// languages a provider offers. Pure rules; none of them orders the list.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lov/followup/v1/records.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::choice {

namespace fu = ::lov::followup::v1;

// A language code as asked for in ListEligibleProvidersRequest.language:
// ISO 639-1 (two letters) or ISO 639-3 (three), case-insensitive; returned
// in lower case. "" stays "" (no filter). INVALID_ARGUMENT names the field.
absl::StatusOr<std::string> NormalizeLanguage(const std::string& code);

// Whether a provider's profile offers `language` (normalised, not empty).
// The two- and three-letter codes of one language match each other (fi and
// fin, sv and swe, se and sme); "smi" (the Sami languages together) matches
// any Sami language. Profile entries are compared without case.
bool OffersLanguage(const registry::v1::Profile& profile,
                    const std::string& language);

// A provider's published indicator rows as kept from the follow-up topic:
// its row for one zone and its row over all zones.
struct IndicatorRows {
  std::optional<fu::ProviderIndicators> zone;
  std::optional<fu::ProviderIndicators> all_zones;
};

// What the list shows for a provider in a zone: its row for the zone if
// published, else its all-zones row; nullopt when neither was.
std::optional<fu::ProviderIndicators> IndicatorsToShow(
    const IndicatorRows& rows);

// Whether `incoming` replaces `stored` for the same provider and zone: a
// row computed for the same or a later day does (the latest published wins,
// and a replayed event changes nothing), an older one does not.
bool Supersedes(const fu::ProviderIndicators& incoming,
                const fu::ProviderIndicators& stored);

// INVALID_ARGUMENT naming the field when a published row cannot be kept
// (no provider id, an as_of that is no date).
absl::Status CheckIndicators(const fu::ProviderIndicators& indicators);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_COMPARABLE_INFO_H_
