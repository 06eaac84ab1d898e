#ifndef LOV_PLATFORM_TEXT_H_
#define LOV_PLATFORM_TEXT_H_

#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lov {

// Debian's abseil has its own absl::string_view, distinct from
// std::string_view, so views are converted at the absl boundary.
inline absl::string_view AsAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// A bounded, escaped copy of a bad input for an error message: findable in
// logs without letting arbitrary bytes or megabytes through. Never use it
// for personal data.
inline std::string Quoted(std::string_view text) {
  constexpr size_t kMaxEcho = 64;
  std::string shown = absl::CHexEscape(AsAbsl(text.substr(0, kMaxEcho)));
  if (text.size() > kMaxEcho) shown += "...";
  return absl::StrCat("\"", shown, "\"");
}

}  // namespace lov

#endif  // LOV_PLATFORM_TEXT_H_
