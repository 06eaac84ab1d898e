#include "lov/console/api/continuity_as_of_panel.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/console/api/html_escape.h"
#include "lov/platform/access_policy.h"
#include "lov/platform/actor.h"

namespace lov::console {
namespace {

using json = nlohmann::json;

constexpr char kIndicatorsMethod[] =
    "lov.followup.v1.FollowupService.ListIndicators";

// As the page's other figures: one decimal, a decimal comma. The service
// has rounded the rates to one decimal already; a median is a whole or a
// half.
std::string OneDecimal(double x) {
  std::string s = absl::StrFormat("%.1f", x);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string ContinuityAsOfHtml(const json& as_of) {
  const json& rows = as_of["rows"];
  std::string out = absl::StrCat(
      "<table id=\"continuity-as-of-rows\"><caption id=\"continuity-as-of\">"
      "As of ",
      HtmlEscaped(Text(as_of, "as_of")),
      " (the 14 days before it; complaints and deviations in the 12 months "
      "ending on it), as the follow-up service answers</caption>");
  if (!Text(as_of, "error").empty()) {
    return absl::StrCat(out, "<tr><td class=\"down-text\">",
                        HtmlEscaped(Text(as_of, "error")),
                        "</td></tr></table>");
  }
  absl::StrAppend(&out,
                  "<tr><th>Provider</th><th class=\"num\">Median staff</th><th "
                  "class=\"num\">Clients counted</th><th class=\"num\">Clients "
                  "listed</th><th class=\"num\">Visits with exceptions</th><th "
                  "class=\"num\">Complaints / 1,000 clients</th><th "
                  "class=\"num\">Deviations / 1,000 clients</th></tr>");
  if (rows.empty()) {
    absl::StrAppend(&out, "<tr><td colspan=\"7\" class=\"muted\">",
                    as_of["checked_at"].is_null() ? "Not asked yet."
                                                  : "No provider has figures.",
                    "</td></tr>");
  }
  for (const json& r : rows) {
    const int64_t clients = r.value("clients", int64_t{0});
    absl::StrAppend(
        &out, "<tr class=\"continuity-as-of\" data-provider=\"",
        HtmlEscaped(Text(r, "provider_id")), "\"><td>",
        HtmlEscaped(Text(r, "provider")), "</td><td class=\"num\">",
        clients > 0 ? OneDecimal(r.value("median_staff", 0.0)) : "\u2014",
        "</td><td class=\"num\">", clients, "</td><td class=\"num\">",
        r.value("listed_clients", int64_t{0}), "</td><td class=\"num\">",
        r.value("visits_with_exceptions", int64_t{0}), " of ",
        r.value("visits", int64_t{0}), "</td><td class=\"num\">",
        OneDecimal(r.value("complaints_per_1000_clients", 0.0)),
        "</td><td class=\"num\">",
        OneDecimal(r.value("deviations_per_1000_clients", 0.0)), "</td></tr>");
  }
  absl::StrAppend(&out, "</table>");
  return out;
}

bool MaySeeIndicators(const auth::v1::Policy& policy, auth::v1::Role role) {
  return role != auth::v1::ROLE_SERVICE &&
         std::find(policy.roles().begin(), policy.roles().end(), role) !=
             policy.roles().end();
}

bool MaySeeIndicators(auth::v1::Role role) {
  static const auth::v1::Policy* policy = PolicyOf(kIndicatorsMethod);
  return policy != nullptr && MaySeeIndicators(*policy, role);
}

void ShowContinuityAsOfTo(auth::v1::Role role, json* snapshot) {
  auto it = snapshot->find("continuity_as_of");
  if (it == snapshot->end()) return;
  if (MaySeeIndicators(role)) {
    (*it)["html"] = ContinuityAsOfHtml(*it);
    return;
  }
  snapshot->erase(it);
  (*snapshot)["continuity_as_of_hidden"] = absl::StrCat(
      "the indicators as of a date are for the roles of the follow-up "
      "service's ListIndicators; this sign-in is in the role ",
      std::string(RoleName(role)));
}

}  // namespace lov::console
