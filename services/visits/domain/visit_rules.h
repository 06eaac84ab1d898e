#ifndef LOV_SERVICES_VISITS_DOMAIN_VISIT_RULES_H_
#define LOV_SERVICES_VISITS_DOMAIN_VISIT_RULES_H_

// The verification rules of a visit report, as pure functions over the
// proto records: no I/O and no clock (now is a parameter). The application
// layer loads the context, calls Verify, and checks the two rules that need
// every other visit (staff double booking, overlapping visits) atomically
// in the store; OverlapVerdict names the outcome of that check.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::visits {

struct Limits {
  // A visit longer than this is rejected as TOO_LONG.
  absl::Duration max_length = absl::Hours(12);
  // Clocks of reporting systems drift; this much "future" is tolerated.
  absl::Duration clock_skew = absl::Minutes(2);
  // Performed time in a month above granted x factor is FAR_OVER_GRANTED.
  double far_over_granted_factor = 1.5;
};

// What the verification needs to know beyond the report, as loaded from the
// serving state built from the choice, registry and settlement events.
struct VerificationContext {
  std::vector<choice::v1::Assignment> assignments;  // of the client
  std::vector<choice::v1::Decision> decisions;      // of the client
  std::optional<registry::v1::Municipality> municipality;
  std::set<std::string> locked_periods;  // of the provider, "YYYY-MM"
  // Client minutes already performed for the client in the visit's category
  // and month (every provider), before this visit.
  int64_t performed_minutes_in_month = 0;
};

// The decision on one report, before the overlap check.
struct Verdict {
  bool accepted = false;
  v1::ReasonCode reason = v1::REASON_CODE_UNSPECIFIED;
  std::string detail;
  std::vector<v1::VisitException> exceptions;
  v1::Visit visit;             // the report as a visit (as far as it parses)
  std::string adjusts_period;  // set when the visit's own month is locked
};

// The longest travel a visit report may claim (travel_metres): 500 km.
inline constexpr uint32_t kMaxTravelMetres = 500'000;

// "<provider_id>/<report_id>".
std::string VisitIdOf(const std::string& provider_id,
                      const std::string& report_id);

// The report as a Visit (UNSPECIFIED status becomes PERFORMED); version 0.
v1::Visit ToVisit(const v1::VisitReport& report);

// MALFORMED with the field and why, or OK.
absl::Status CheckWellFormed(const v1::VisitReport& report);

// InvalidArgument naming the first id or text of the report (report_id,
// client_id, staff_id, second_staff_id, status_reason) that holds a
// personnummer; such a report is refused before any event is made of it
// (a rejection would keep the number in the topic).
absl::Status CheckNoPersonnummer(const v1::VisitReport& report);

// Every rule that depends on the report and its context only, in a fixed
// order: MALFORMED, END_BEFORE_START, IN_FUTURE, TOO_LONG, UNKNOWN_CLIENT,
// NOT_ASSIGNED; then, for an accepted visit, the exceptions OUTSIDE_HOURS,
// FAR_OVER_GRANTED and MANUAL_EVIDENCE, and the period it counts in.
Verdict Verify(const v1::VisitReport& report, const VerificationContext& ctx,
               const Limits& limits, absl::Time now);

// The assignment of `provider_id` to the client covering `category_id` on
// the Stockholm date of `at`, or nullptr.
const choice::v1::Assignment* FindAssignment(
    const std::vector<choice::v1::Assignment>& assignments,
    const std::string& provider_id, const std::string& category_id,
    absl::Time at);

// True if [start, end) lies inside one window of the category's hours of
// responsibility on the Stockholm wall clock (DST-correct). A category
// without hours is responsible around the clock; a visit that crosses
// local midnight is outside unless it ends exactly at midnight. With
// public_holidays_as_sunday, a public holiday has the Sunday hours.
bool InsideHours(const registry::v1::ServiceCategory& category,
                 absl::Time start, absl::Time end);

// Granted minutes for the category in the month: each decision's monthly
// minutes, prorated by the days of the month it is valid (rounded down).
int64_t GrantedMinutes(const std::vector<choice::v1::Decision>& decisions,
                       const std::string& category_id, absl::CivilMonth month);

// "YYYY-MM" of the Stockholm month of `t`.
std::string PeriodOf(absl::Time t);
// The platform's ParsePeriod, for callers that checked the text already.
absl::CivilMonth MonthOf(const std::string& period);  // "YYYY-MM"
bool IsPeriod(const std::string& text);
// The first period at or after `period` that is not locked.
std::string OpenPeriodFrom(const std::string& period,
                           const std::set<std::string>& locked);

// Client minutes of a visit (0 if it did not happen), and staff minutes
// (double staffing counts twice).
int64_t ClientMinutes(const v1::Visit& visit);
int64_t StaffMinutes(const v1::Visit& visit);

// The interval indexes a performed visit occupies: each staff member's,
// and the client's with this provider. Kinds are the reason they guard.
struct IndexSlot {
  v1::ReasonCode guards;  // STAFF_DOUBLE_BOOKED or OVERLAPPING_VISIT
  std::string name;       // "staff:<id>" or "client:<client>|<provider>"
};
std::vector<IndexSlot> IndexSlotsOf(const v1::Visit& visit);

// Half-open intervals [a_start, a_end) and [b_start, b_end) share time.
bool Overlaps(absl::Time a_start, absl::Time a_end, absl::Time b_start,
              absl::Time b_end);

// The rejection for a conflict found in `slot` with `other_visit_id`.
Verdict OverlapVerdict(const Verdict& verified, const IndexSlot& slot,
                       const std::string& other_visit_id);

// Rejection for a report id reused with other content.
Verdict DuplicateVerdict(const v1::VisitReport& report,
                         const std::string& first_visit_id);

// The answer a report got, from its VisitAccepted or VisitRejected event
// (the same answer is replayed for a repeated report id).
v1::ReportOutcome OutcomeOf(const v1::VisitEvent& event);

// "NOT_ASSIGNED" for REASON_CODE_NOT_ASSIGNED; "OUTSIDE_HOURS" likewise.
std::string ReasonName(v1::ReasonCode code);
v1::ReasonCode ReasonFromName(const std::string& name);
std::string ExceptionName(v1::ExceptionCode code);

// Performed against granted for one client, category and month.
v1::PerformedVsGranted CompareToGranted(const std::string& client_id,
                                        const std::string& category_id,
                                        const std::string& period,
                                        int64_t granted, int64_t performed,
                                        int64_t staff, int64_t visits);
// |deviation| >= threshold percent, or performed without granted time.
bool IsLargeDeviation(const v1::PerformedVsGranted& row,
                      double threshold_percent);

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_DOMAIN_VISIT_RULES_H_
