#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_DEVIATIONS_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_DEVIATIONS_H_

// Deviations (avvikelser) that providers report, lex Sarah reports among
// them: a serious wrong or a risk of one must be reported to the
// supervisory authority IVO within 14 calendar days of the report.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
// MustReportToIvo, DeviationOverdue:
#include "lov/followup/contract/overdue.h"
#include "lov/followup/v1/followup.pb.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

absl::StatusOr<v1::Deviation> ReportDeviation(
    const v1::ReportDeviationRequest& request, const std::string& deviation_id,
    absl::CivilDay today);

// The deviation as reported to IVO on the request's date (empty: today).
absl::StatusOr<v1::Deviation> ReportToIvo(v1::Deviation deviation,
                                          const v1::ReportToIvoRequest& request,
                                          absl::CivilDay today);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_DEVIATIONS_H_
