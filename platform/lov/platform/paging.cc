#include "lov/platform/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace lov {
namespace {

// Ties a token's shape to this version of it.
constexpr absl::string_view kTokenVersion = "p1:";
constexpr size_t kFingerprintLength = 16;

// FNV-1a, 64 bits: stable across processes and builds (unlike std::hash or
// absl::Hash), so any replica accepts another's token.
uint64_t Fnv1a(uint64_t h, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

absl::Status BadToken() {
  return absl::InvalidArgumentError(
      "page_token: not a token of this query; pass the previous answer's "
      "next_page_token unchanged, with the other request fields unchanged, "
      "or none for the first page");
}

// "<length>:<bytes>" per part, so no part's content can fake a boundary.
absl::StatusOr<PageKey> DecodeKey(absl::string_view text) {
  PageKey key;
  while (!text.empty()) {
    const size_t colon = text.find(':');
    size_t length = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(text.substr(0, colon), &length) ||
        length > text.size() - colon - 1) {
      return BadToken();
    }
    key.emplace_back(text.substr(colon + 1, length));
    text.remove_prefix(colon + 1 + length);
  }
  if (key.empty()) return BadToken();
  return key;
}

}  // namespace

std::string ListQuery(std::initializer_list<absl::string_view> parts) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (absl::string_view part : parts) {
    h = Fnv1a(h, absl::StrCat(part.size(), ":"));
    h = Fnv1a(h, part);
  }
  return absl::StrFormat("%016x", h);
}

absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size,
                                            absl::string_view page_token,
                                            std::string query) {
  PageRequest r;
  r.query = std::move(query);
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative (", page_size, ")"));
  }
  if (page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is above the maximum ",
                     kMaxPageSize, "; follow next_page_token for more"));
  }
  r.size = page_size == 0 ? kDefaultPageSize : page_size;
  if (page_token.empty()) return r;
  std::string text;
  if (!absl::WebSafeBase64Unescape(page_token, &text)) return BadToken();
  absl::string_view rest = text;
  if (!absl::ConsumePrefix(&rest, kTokenVersion) ||
      rest.size() < kFingerprintLength + 1 ||
      rest.substr(0, kFingerprintLength) != r.query ||
      rest[kFingerprintLength] != ':') {
    return BadToken();
  }
  rest.remove_prefix(kFingerprintLength + 1);
  absl::StatusOr<PageKey> after = DecodeKey(rest);
  if (!after.ok()) return after.status();
  r.after = *std::move(after);
  return r;
}

std::string NextPageToken(absl::string_view query, const PageKey& last) {
  std::string text = absl::StrCat(kTokenVersion, query, ":");
  for (const std::string& part : last) {
    absl::StrAppend(&text, part.size(), ":", part);
  }
  return absl::WebSafeBase64Escape(text);
}

std::string SortableNumber(int64_t n) {
  // Offset so that every int64 maps to an unsigned value in the same order,
  // written with a fixed width.
  const uint64_t u = static_cast<uint64_t>(n) ^ (uint64_t{1} << 63);
  return absl::StrFormat("%020u", u);
}

}  // namespace lov
