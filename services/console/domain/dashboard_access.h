#ifndef LOV_CONSOLE_DOMAIN_DASHBOARD_ACCESS_H_
#define LOV_CONSOLE_DOMAIN_DASHBOARD_ACCESS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "lov/platform/auth/principal.h"

namespace lov::console {

// The roles that may open the dashboard (its pages and its JSON), as data:
//   operator          runs the system: the pipeline, health, the numbers;
//   registry_officer  manages providers, approvals and capacity: the
//                     capacity, leaving-provider and real-choice panels are
//                     that work.
// The page holds market figures per zone and provider and no client's
// personal data, but also no audit trail, so the auditor (the audit log)
// and the roles that work with clients or money (case_officer, provider,
// finance) have their own APIs and are not let in.
absl::Span<const auth::v1::Role> DashboardRoles();

// "the dashboard is for the roles operator, registry_officer"
std::string DashboardRule();

// OK for a role in DashboardRoles(); PERMISSION_DENIED naming the rule and
// the principal's role otherwise.
absl::Status MayOpenDashboard(const auth::Principal& principal);

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_DASHBOARD_ACCESS_H_
