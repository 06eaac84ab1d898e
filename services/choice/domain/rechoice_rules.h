#ifndef LOV_SERVICES_CHOICE_DOMAIN_RECHOICE_RULES_H_
#define LOV_SERVICES_CHOICE_DOMAIN_RECHOICE_RULES_H_

// Re-choice (omval) timing, the optional re-choice cap and the deadline of a
// re-choice case, as pure functions over calendar days in Europe/Stockholm.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"

namespace lov::choice {

namespace v1 = ::lov::choice::v1;

// The policy a municipality gets before it configures its own: in-house
// non-choice, re-choice effective 14 days after reporting, one provider for
// all categories, no re-choice cap, deadlines 14 days before a leaving date.
v1::ChoicePolicy DefaultPolicy();

// INVALID_ARGUMENT naming the field and the rule.
absl::Status ValidatePolicy(const v1::ChoicePolicy& policy);

// The day a re-choice reported on `reported_on` takes effect:
//  NOTICE_DAYS  reported_on + n days;
//  ONE_MONTH    the same day of the next month, or its last day if shorter
//               (Jan 31 -> Feb 28/29);
//  CUTOFF       reported on or before the cut-off day: the 1st of the next
//               month; after it: the 1st of the month after that.
absl::CivilDay RechoiceEffectiveDate(const v1::ChoicePolicy& policy,
                                     absl::CivilDay reported_on);

// The Stockholm calendar day on which a re-choice reported at `reported_at`
// counts as reported (a call at 23:30 UTC on a summer night is already the
// next day in Stockholm).
absl::CivilDay ReportedOn(absl::Time reported_at);

// FAILED_PRECONDITION when the municipality caps re-choices and the client
// already re-chose `max` times in the 12 months up to `today`
// (earlier reports, "YYYY-MM-DD"). A cap of 0 means no cap.
absl::Status CheckRechoiceCap(const std::vector<std::string>& reported_on,
                              absl::CivilDay today, int max);

// The last day a client may choose again before its provider leaves on
// `leaving_date` (the first day without it): `lead_days` before it, but
// never before `today`, and always before the leaving date.
absl::CivilDay RechoiceDeadline(absl::CivilDay leaving_date, int lead_days,
                                absl::CivilDay today);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_RECHOICE_RULES_H_
