#ifndef LOV_SERVICES_FOLLOWUP_CONTRACT_OVERDUE_H_
#define LOV_SERVICES_FOLLOWUP_CONTRACT_OVERDUE_H_

// The follow-up service's published contract beyond the protos: when a
// record its events carry is overdue. The service computes every deadline
// and puts it in the record (reply_due_date, ivo_due_date,
// action_plan_due_date); these rules say whether it has passed. The
// service's lists and gauges and the console's follow-up board both use
// them, so the dashboard can never disagree with the service.
//
// A deadline ends with its date: a record is overdue from the next
// Stockholm day on (docs/followup.md). "Today" is the Stockholm date of
// the caller's clock (lov::StockholmDate), so the boundary moves with
// summer time.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "lov/followup/v1/records.pb.h"

namespace lov::followup {

// Past its deadline `due` ("YYYY-MM-DD") on `today`: the deadline's date
// has ended. An empty or unreadable `due` is never overdue.
bool PastDue(const std::string& due, absl::CivilDay today);

// Not answered (nor closed) and its reply date has ended by `today`.
bool ComplaintOverdue(const v1::Complaint& complaint, absl::CivilDay today);

// Whether the deviation must go to IVO: a lex Sarah report of a serious
// wrong or of a risk of one.
bool MustReportToIvo(const v1::Deviation& deviation);

// Must go to IVO, has not, and its deadline has ended by `today`.
bool DeviationOverdue(const v1::Deviation& deviation, absl::CivilDay today);

// The findings whose action plan is required, not received, and whose
// deadline has ended by `today`.
std::vector<std::string> OverdueFindings(const v1::FollowUp& follow_up,
                                         absl::CivilDay today);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_CONTRACT_OVERDUE_H_
