#include "lov/console/api/neutrality_panel.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "lov/console/api/html_escape.h"
#include "lov/platform/access_policy.h"
#include "lov/platform/actor.h"

namespace lov::console {
namespace {

using json = nlohmann::json;

constexpr char kReportMethod[] =
    "lov.choice.v1.ChoiceService.GetNeutralityReport";

// As the page's other figures: a decimal comma.
std::string Decimal(double x, int digits) {
  std::string s = absl::StrFormat("%.*f", digits, x);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// "deviates: p 0,0012 (40 lists)".
std::string TestCell(const json& test, const char* name, const char* trials) {
  const std::string verdict = Text(test, "verdict");
  const double p = test.value("p_value", 0.0);
  const std::string p_text =
      p < 0.0001 ? "p &lt; 0,0001" : absl::StrCat("p ", Decimal(p, 4));
  return absl::StrCat(
      "<td colspan=\"2\" class=\"verdict ",
      HtmlEscaped(absl::StrReplaceAll(verdict, {{" ", "-"}})),
      "\" data-test=\"", name, "\" data-trials=\"",
      test.value("trials", int64_t{0}), "\">", name, ": ", HtmlEscaped(verdict),
      verdict == "too few" ? "" : absl::StrCat(", ", p_text), " (",
      test.value("trials", int64_t{0}), " ", trials, ")</td>");
}

std::string EntryTable(const json& e) {
  const bool flagged = e.value("flagged", false);
  std::string out = absl::StrCat(
      "<table class=\"neutrality", flagged ? " flagged" : "", "\" data-zone=\"",
      HtmlEscaped(Text(e, "zone_id")), "\" data-category=\"",
      HtmlEscaped(Text(e, "category_id")), "\"><caption>",
      HtmlEscaped(Text(e, "zone")), " / ", HtmlEscaped(Text(e, "category")),
      flagged ? " <b class=\"down-text\">deviation flagged</b>" : "",
      "</caption>");
  if (!Text(e, "error").empty()) {
    return absl::StrCat(out, "<tr><td class=\"down-text\">",
                        HtmlEscaped(Text(e, "error")), "</td></tr></table>");
  }
  absl::StrAppend(&out,
                  "<tr><th>Provider</th><th class=\"num\">First in "
                  "lists</th><th class=\"num\">Expected</th><th "
                  "class=\"num\">Non-choice allocations</th><th "
                  "class=\"num\">Expected</th></tr>");
  const json& providers = e["providers"];
  if (providers.empty()) {
    absl::StrAppend(&out,
                    "<tr><td colspan=\"5\" class=\"muted\">No lists or "
                    "allocations in the period.</td></tr>");
  }
  for (const json& p : providers) {
    absl::StrAppend(
        &out, "<tr class=\"neutrality-provider\" data-provider=\"",
        HtmlEscaped(Text(p, "provider_id")), "\"><td>",
        HtmlEscaped(Text(p, "provider")), "</td><td class=\"num\">",
        p.value("shown_first", int64_t{0}), "</td><td class=\"num\">",
        Decimal(p.value("shown_first_expected", 0.0), 1),
        "</td><td class=\"num\">", p.value("allocated", int64_t{0}),
        "</td><td class=\"num\">",
        Decimal(p.value("allocated_expected", 0.0), 1), "</td></tr>");
  }
  absl::StrAppend(&out,
                  "<tr class=\"neutrality-test\"><td>Chi-square test, "
                  "\u03b1 ",
                  Decimal(e.value("alpha", 0.0), 2), "</td>",
                  TestCell(e["lists"], "lists", "lists"),
                  TestCell(e["allocations"], "allocations", "allocations"),
                  "</tr></table>");
  return out;
}

}  // namespace

std::string NeutralityPanelHtml(const json& neutrality) {
  std::string out = absl::StrCat(
      "<p class=\"muted\" id=\"neutrality-period\">",
      HtmlEscaped(Text(neutrality, "from")), " to ",
      HtmlEscaped(Text(neutrality, "to")),
      " (Stockholm dates): who came first in the neutral lists and who got "
      "the non-choice allocations, against the rules' shares; the verdicts "
      "are the choice service's.</p>");
  const json& entries = neutrality["entries"];
  if (entries.empty()) {
    absl::StrAppend(&out, "<p class=\"muted\">",
                    neutrality["checked_at"].is_null()
                        ? "Not asked yet."
                        : "No zones or categories in the registry yet.",
                    "</p>");
  }
  for (const json& e : entries) out += EntryTable(e);
  return out;
}

bool MaySeeNeutrality(const auth::v1::Policy& policy, auth::v1::Role role) {
  return role != auth::v1::ROLE_SERVICE &&
         std::find(policy.roles().begin(), policy.roles().end(), role) !=
             policy.roles().end();
}

bool MaySeeNeutrality(auth::v1::Role role) {
  static const auth::v1::Policy* policy = PolicyOf(kReportMethod);
  return policy != nullptr && MaySeeNeutrality(*policy, role);
}

void ShowNeutralityTo(auth::v1::Role role, json* snapshot) {
  auto it = snapshot->find("neutrality");
  if (it == snapshot->end()) return;
  if (MaySeeNeutrality(role)) {
    (*it)["html"] = NeutralityPanelHtml(*it);
    return;
  }
  snapshot->erase(it);
  (*snapshot)["neutrality_hidden"] = absl::StrCat(
      "the neutrality audit is for the roles of the choice service's "
      "GetNeutralityReport; this sign-in is in the role ",
      std::string(RoleName(role)));
}

}  // namespace lov::console
