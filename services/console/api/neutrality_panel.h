// The dashboard's allocation-neutrality panel (docs/dashboard.md): made
// here, not by the page's script, so that every name and message in it is
// escaped by one function (html_escape.h) that the unit tests check, and
// shown only to a signed-in role that may read the report.
#ifndef LOV_CONSOLE_API_NEUTRALITY_PANEL_H_
#define LOV_CONSOLE_API_NEUTRALITY_PANEL_H_

#include <string>

#include "lov/auth/v1/policy.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

// The panel's HTML from the snapshot's "neutrality" part
// (NeutralityJson): one table per zone and category, a row per provider
// (first in lists and non-choice allocations, each against its expected
// count) and the two tests' verdicts; a table with a DEVIATES verdict has
// the class "flagged" and the verdict the class "deviates".
std::string NeutralityPanelHtml(const nlohmann::json& neutrality);

// Whether `role` may see the audit: one of the roles of the choice
// service's GetNeutralityReport policy (its proto option, the one place the
// rule is kept). The overload takes the policy (tests).
bool MaySeeNeutrality(auth::v1::Role role);
bool MaySeeNeutrality(const auth::v1::Policy& policy, auth::v1::Role role);

// What the dashboard's JSON holds for a session in `role`: the
// "neutrality" part with its "html" when it may see it; else no
// "neutrality" part, and "neutrality_hidden" saying whose it is.
void ShowNeutralityTo(auth::v1::Role role, nlohmann::json* snapshot);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_NEUTRALITY_PANEL_H_
