#include "lov/settlement/domain/xml_text.h"

namespace lov::settlement {

std::string XmlText(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) continue;  // control characters
    if ((c & 0xC0) != 0x80) {             // the first byte of a code point
      if (chars == max_chars) break;
      ++chars;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

}  // namespace lov::settlement
