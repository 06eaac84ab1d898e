#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_CALENDAR_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_CALENDAR_H_

// Dates and deadlines of the follow-up rules: Stockholm calendar dates,
// deadlines counted in calendar days (a deadline ends with its date, so a
// record is overdue from the next Stockholm day on: PastDue and the
// overdue rules, lov/followup/contract/overdue.h). "Today" is the
// Stockholm date of the service's clock (lov::StockholmDate), so the
// boundary moves with summer time.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace lov::followup {

// A complaint is answered within 14 calendar days of its receipt: the
// municipality's routine (docs/followup.md).
inline constexpr int kComplaintReplyDays = 14;
// A serious wrong (or risk of one) reported under lex Sarah goes to IVO
// within 14 calendar days of the report (SOSFS 2011:5, "utan dröjsmål").
inline constexpr int kIvoReportDays = 14;

// `value` as a date; empty: `fallback` if given, else "is required".
// Errors are InvalidArgument naming `field`.
absl::StatusOr<absl::CivilDay> DateField(
    const std::string& field, const std::string& value,
    std::optional<absl::CivilDay> fallback);

// The same, and the date may not lie after `today`.
absl::StatusOr<absl::CivilDay> PastDateField(const std::string& field,
                                             const std::string& value,
                                             absl::CivilDay today);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_CALENDAR_H_
