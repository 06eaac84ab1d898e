#ifndef LOV_CONSOLE_API_RUNBOOKS_PAGE_H_
#define LOV_CONSOLE_API_RUNBOOKS_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace lov::console {

// docs/runbooks.md, compiled in (CMake), as the alerts' runbook_url links
// it: GET /runbooks on the dashboard's port, each section at the anchor
// GitHub gives its heading (#servicedown), so an alert's link opens at its
// section. Public like the repository's docs: no session needed.
const char* RunbooksMarkdown();

// The anchor GitHub gives a heading, as k8s/tools/prometheusrule.py checks
// the alerts' links: lower case, characters other than letters, digits,
// '_', '-' and ' ' dropped, spaces as '-' ("LexSarahOverdueAtIVO" ->
// "lexsarahoverdueativo").
std::string HeadingAnchor(absl::string_view heading);

// `markdown` as a plain HTML page: headings with their anchors as ids,
// paragraphs, lists, code blocks and inline code, bold and links; all text
// escaped.
std::string MarkdownPage(absl::string_view title, absl::string_view markdown);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_RUNBOOKS_PAGE_H_
