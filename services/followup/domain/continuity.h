#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_CONTINUITY_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_CONTINUITY_H_

// Staff continuity (personalkontinuitet), the indicator Socialstyrelsen
// publishes for every municipality: how many different staff a client met
// in 14 days. Our reading of its method (docs/followup.md):
//  - the period is 14 Stockholm calendar days from 00:00 of its first day;
//  - a visit counts if it happened (PERFORMED) and started at or after
//    07:00 and before 22:00 Stockholm time;
//  - a client counts if they had at least two such visits a day on average
//    (28 in the period);
//  - each staff member met counts once; a double-staffed visit counts both;
//  - staff ids are each provider's own pseudonyms: the same id at two
//    providers is two persons.
// Per provider, a client counts by that provider's visits alone; for the
// whole municipality, by all of the client's visits.
// The same period also gives each provider's share of visits accepted
// with exceptions (every visit that is not voided, at any hour or status).

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::followup {

inline constexpr int kContinuityDays = 14;
inline constexpr int kContinuityFirstHour = 7;  // 07:00 inclusive
inline constexpr int kContinuityEndHour = 22;   // 22:00 exclusive
inline constexpr int kContinuityMinVisits = 2 * kContinuityDays;

// What the indicators need of one visit's current version.
struct VisitFact {
  std::string provider_id;
  std::string client_id;
  std::vector<std::string> staff_ids;  // one; two when double-staffed
  absl::Time start;
  bool performed = false;
  bool has_exceptions = false;
};

// The fact of an accepted or corrected visit.
VisitFact FactOf(const visits::v1::Visit& visit, bool has_exceptions);

struct ContinuityResult {
  std::string provider_id;  // empty: the whole municipality
  int clients = 0;
  double median_staff = 0;
  std::map<int, int> distribution;  // distinct staff -> clients
  int visits = 0;
  int visits_with_exceptions = 0;
};

// The municipality's row first, then one per provider with a visit in the
// period, by provider id. Visits outside [from, from + 14 days) are
// ignored.
std::vector<ContinuityResult> Continuity(const std::vector<VisitFact>& visits,
                                         absl::CivilDay from);

// The median of `values` (the mean of the middle two for an even count);
// 0 for none.
double Median(std::vector<int> values);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_CONTINUITY_H_
