// The continuity panel's as-of rows (docs/dashboard.md): each provider's
// indicators as of the first day of the current month, as the follow-up
// service answers ListIndicators. Made here, not by the page's script, so
// that every name and message is escaped by one function (html_escape.h)
// that the unit tests check, and shown only to a signed-in role that may
// read the indicators.
#ifndef LOV_CONSOLE_API_CONTINUITY_AS_OF_PANEL_H_
#define LOV_CONSOLE_API_CONTINUITY_AS_OF_PANEL_H_

#include <string>

#include "lov/auth/v1/policy.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

// The rows' HTML from the snapshot's "continuity_as_of" part: a caption
// with the date and the 14 days counted, then per provider
// <tr class="continuity-as-of" data-provider="..."> with the name, median
// staff (one decimal, a decimal comma; a dash without clients), clients
// counted, clients listed, visits with exceptions "n of m", complaints and
// deviations per 1,000 clients (one decimal).
std::string ContinuityAsOfHtml(const nlohmann::json& as_of);

// Whether `role` may see the rows: one of the roles of the follow-up
// service's ListIndicators policy (its proto option), a user's role (not
// the service role). The overload takes the policy (tests).
bool MaySeeIndicators(auth::v1::Role role);
bool MaySeeIndicators(const auth::v1::Policy& policy, auth::v1::Role role);

// The "continuity_as_of" part with its "html" for a role that may see it;
// else no such part, and "continuity_as_of_hidden" saying whose it is.
void ShowContinuityAsOfTo(auth::v1::Role role, nlohmann::json* snapshot);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_CONTINUITY_AS_OF_PANEL_H_
