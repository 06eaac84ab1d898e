#ifndef LOV_SERVICES_CHOICE_APP_NEUTRALITY_REPORTS_H_
#define LOV_SERVICES_CHOICE_APP_NEUTRALITY_REPORTS_H_

#include "absl/status/statusor.h"
#include "lov/choice/ports.h"
#include "lov/choice/v1/choice.pb.h"

namespace lov::choice {

// The longest period one report covers.
inline constexpr int kMaxNeutralityReportDays = 366;

// GetNeutralityReport (app/queries/get_neutrality_report.cc): the
// allocation-neutrality audit of a period, zone and category, from the
// serving state the projection keeps (domain/neutrality.h does the test).
class NeutralityReports {
 public:
  explicit NeutralityReports(NeutralityStore* store) : store_(store) {}
  absl::StatusOr<v1::GetNeutralityReportResponse> GetNeutralityReport(
      const v1::GetNeutralityReportRequest& request);

 private:
  NeutralityStore* store_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_NEUTRALITY_REPORTS_H_
