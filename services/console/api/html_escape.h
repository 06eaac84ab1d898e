#ifndef LOV_CONSOLE_API_HTML_ESCAPE_H_
#define LOV_CONSOLE_API_HTML_ESCAPE_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace lov::console {

// Text made safe to place in HTML element content or a quoted attribute
// value: & < > " and ' become character references.
std::string HtmlEscaped(std::string_view text);
// Debian's Abseil has its own string_view type.
inline std::string HtmlEscaped(absl::string_view text) {
  return HtmlEscaped(std::string_view(text.data(), text.size()));
}
inline std::string HtmlEscaped(const std::string& text) {
  return HtmlEscaped(std::string_view(text));
}
inline std::string HtmlEscaped(const char* text) {
  return HtmlEscaped(std::string_view(text));
}

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_HTML_ESCAPE_H_
