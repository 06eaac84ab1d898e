#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_INDICATORS_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_INDICATORS_H_

// Comparable indicators per provider, and per provider and zone, as of a
// Stockholm date (docs/followup.md, "Indicators"): the same fields for every
// provider, the in-house unit included. Pure: the inputs are what the
// service keeps from the visit, choice and its own events.
//
//  - staff continuity and visits (with exceptions) over the 14 days before
//    as_of: [as_of - 14, as_of), domain/continuity.h;
//  - listed clients: distinct clients with an assignment to the provider
//    that covers as_of;
//  - complaints (by received date) and deviations (by reported date) in the
//    12 months ending on as_of, and the same per 1,000 listed clients;
//  - the latest imported survey year.
// A visit, complaint or deviation belongs to the zone of its client's
// assignment with the same provider on its date (visit start, received,
// reported); without one (or without a client) it counts in the provider's
// all-zones row only.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "lov/followup/domain/continuity.h"
#include "lov/followup/v1/records.pb.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

inline constexpr int kIndicatorMonths = 12;

// A period in which a provider serves a client in a zone (a choice
// service assignment: client id only).
struct Listing {
  std::string client_id;
  std::string provider_id;
  std::string zone_id;
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;  // last day, inclusive; none: open

  bool Covers(absl::CivilDay day) const {
    return from <= day && (!to.has_value() || day <= *to);
  }
};

struct IndicatorInputs {
  std::vector<VisitFact> visits;  // any; those outside the 14 days ignored
  std::vector<Listing> listings;
  std::vector<v1::Complaint> complaints;
  std::vector<v1::Deviation> deviations;
  std::map<std::string, v1::SurveyResult> surveys;  // provider -> latest
};

// The first day of the continuity period ending before `as_of`.
absl::CivilDay ContinuityFrom(absl::CivilDay as_of);

// The first day of the 12 months ending on `as_of`: the day after the
// same date a year earlier (Feb 29 -> the day after Feb 28).
absl::CivilDay TwelveMonthsFrom(absl::CivilDay as_of);

// `count` per 1,000 of `listed`, rounded to one decimal, halves away from
// zero; 0 when `listed` is 0.
double Per1000(int count, int listed);

// Every provider with a listed client on as_of, a visit in the 14 days, a
// complaint or deviation in the 12 months or a survey result: by
// provider_id, the all-zones row (zone_id "") first, then (with `by_zone`)
// one row per zone the provider has any of those in, by zone_id.
std::vector<v1::ProviderIndicators> ComputeIndicators(const IndicatorInputs& in,
                                                      absl::CivilDay as_of,
                                                      bool by_zone);

// The same figures (everything but as_of and continuity_from_date).
bool SameFigures(const v1::ProviderIndicators& a,
                 const v1::ProviderIndicators& b);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_INDICATORS_H_
