#include "lov/console/api/runbooks_page.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lov/console/api/html_escape.h"

namespace lov::console {
namespace {

// `code`, **bold** and [text](url) of one line, the rest escaped. Links
// to other files of docs/ are not served here: their text only.
std::string Inline(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '`') {
      const size_t end = text.find('`', i + 1);
      if (end != absl::string_view::npos) {
        absl::StrAppend(&out, "<code>",
                        HtmlEscaped(text.substr(i + 1, end - i - 1)),
                        "</code>");
        i = end + 1;
        continue;
      }
    }
    if (text.substr(i, 2) == "**") {
      const size_t end = text.find("**", i + 2);
      if (end != absl::string_view::npos) {
        absl::StrAppend(&out, "<b>", Inline(text.substr(i + 2, end - i - 2)),
                        "</b>");
        i = end + 2;
        continue;
      }
    }
    if (text[i] == '[') {
      const size_t close = text.find("](", i);
      const size_t end = close == absl::string_view::npos
                             ? absl::string_view::npos
                             : text.find(')', close);
      if (end != absl::string_view::npos) {
        const absl::string_view label = text.substr(i + 1, close - i - 1);
        const absl::string_view url = text.substr(close + 2, end - close - 2);
        if (absl::StartsWith(url, "https://") || absl::StartsWith(url, "#")) {
          absl::StrAppend(&out, "<a href=\"", HtmlEscaped(url), "\">",
                          Inline(label), "</a>");
        } else {
          absl::StrAppend(&out, Inline(label), " (", HtmlEscaped(url), ")");
        }
        i = end + 1;
        continue;
      }
    }
    out += HtmlEscaped(text.substr(i, 1));
    ++i;
  }
  return out;
}

}  // namespace

std::string HeadingAnchor(absl::string_view heading) {
  std::string out;
  for (char c : absl::StripAsciiWhitespace(heading)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || absl::ascii_isalnum(u) || c == '_' || c == '-') {
      out.push_back(absl::ascii_tolower(u));
    } else if (c == ' ') {
      out.push_back('-');
    }
  }
  return out;
}

std::string MarkdownPage(absl::string_view title, absl::string_view markdown) {
  std::string out = absl::StrCat(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>",
      HtmlEscaped(title),
      "</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:52em;"
      "margin:2em auto;padding:0 1em}pre,code{background:#f3f4f6}"
      "pre{padding:.6em;overflow-x:auto}</style></head><body>\n");
  enum class Block { kNone, kParagraph, kList, kCode } block = Block::kNone;
  auto close = [&] {
    if (block == Block::kParagraph) out += "</p>\n";
    if (block == Block::kList) out += "</li></ul>\n";
    block = Block::kNone;
  };
  for (absl::string_view line : absl::StrSplit(markdown, '\n')) {
    if (absl::StartsWith(line, "```")) {
      if (block == Block::kCode) {
        out += "</pre>\n";
        block = Block::kNone;
      } else {
        close();
        out += "<pre>";
        block = Block::kCode;
      }
      continue;
    }
    if (block == Block::kCode) {
      absl::StrAppend(&out, HtmlEscaped(line), "\n");
      continue;
    }
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) {
      close();
      continue;
    }
    if (absl::StartsWith(line, "#")) {
      close();
      const size_t level = std::min<size_t>(line.find_first_not_of('#'), 6);
      absl::string_view heading =
          absl::StripAsciiWhitespace(line.substr(level));
      absl::StrAppend(&out, "<h", level, " id=\"",
                      HtmlEscaped(HeadingAnchor(heading)), "\">",
                      Inline(heading), "</h", level, ">\n");
      continue;
    }
    if (absl::ConsumePrefix(&text, "- ")) {
      if (block == Block::kList) {
        out += "</li><li>";
      } else {
        close();
        out += "<ul><li>";
        block = Block::kList;
      }
      out += Inline(text);
      continue;
    }
    if (block == Block::kNone) {
      out += "<p>";
      block = Block::kParagraph;
    } else {
      out.push_back('\n');
    }
    out += Inline(text);
  }
  close();
  if (block == Block::kCode) out += "</pre>\n";
  out += "</body></html>\n";
  return out;
}

}  // namespace lov::console
