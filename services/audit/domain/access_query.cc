#include "lov/audit/domain/access_query.h"

#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace lov::audit {
namespace {

// RFC 3339's range, as google.protobuf.Timestamp documents it.
constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// Ties the token's shape to this service's version of it.
constexpr char kTokenVersion[] = "a1";

absl::StatusOr<absl::Time> TimeOf(absl::string_view field,
                                  const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid timestamp (seconds ", t.seconds(),
                     ", nanos ", t.nanos(), ")"));
  }
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

int64_t CeilMicros(absl::Time t) {
  const int64_t down = absl::ToUnixMicros(t);
  return absl::FromUnixMicros(down) < t ? down + 1 : down;
}

}  // namespace

absl::Status CheckSubjectOfQuery(absl::string_view field,
                                 absl::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  }
  if (value.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", kMaxIdLength, " characters"));
  }
  if (ContainsPersonnummer(std::string_view(value.data(), value.size()))) {
    // The value is personal data: not echoed.
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ": looks like a personal identity number; the audit log "
                     "names clients by their client id"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PageSizeOf(int32_t requested) {
  // The platform's rule; the audit log's tokens are its own (below).
  absl::StatusOr<PageRequest> page = ReadPageRequest(requested, "", "");
  if (!page.ok()) return page.status();
  return page->size;
}

absl::StatusOr<Window> WindowOf(const google::protobuf::Timestamp* from,
                                const google::protobuf::Timestamp* to) {
  Window w;
  if (from != nullptr) {
    absl::StatusOr<absl::Time> t = TimeOf("from_time", *from);
    if (!t.ok()) return t.status();
    w.from = *t;
  }
  if (to != nullptr) {
    absl::StatusOr<absl::Time> t = TimeOf("to_time", *to);
    if (!t.ok()) return t.status();
    w.to = *t;
  }
  if (w.to <= w.from) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_time: must be after from_time (", FormatRfc3339Utc(w.from), " .. ",
        FormatRfc3339Utc(w.to), ")"));
  }
  return w;
}

std::string EncodePageToken(const PagePosition& position) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      kTokenVersion, ":", position.at_micros, ":", position.record_id));
}

absl::StatusOr<std::optional<PagePosition>> DecodePageToken(
    absl::string_view token) {
  if (token.empty()) return std::optional<PagePosition>();
  const absl::Status bad = absl::InvalidArgumentError(
      "page_token: not a token of this query; pass the previous answer's "
      "next_page_token unchanged, or none for the first page");
  std::string text;
  if (!absl::WebSafeBase64Unescape(token, &text)) return bad;
  const std::string prefix = absl::StrCat(kTokenVersion, ":");
  if (text.rfind(prefix, 0) != 0) return bad;
  const size_t colon = text.find(':', prefix.size());
  if (colon == std::string::npos || colon + 1 == text.size()) return bad;
  PagePosition p;
  if (!absl::SimpleAtoi(text.substr(prefix.size(), colon - prefix.size()),
                        &p.at_micros)) {
    return bad;
  }
  p.record_id = text.substr(colon + 1);
  return std::optional<PagePosition>(std::move(p));
}

ScanRange ScanRangeOf(const Window& window,
                      const std::optional<PagePosition>& after) {
  ScanRange r;
  r.oldest_micros = window.from == absl::InfinitePast()
                        ? std::numeric_limits<int64_t>::min()
                        : CeilMicros(window.from);
  r.newest_micros = window.to == absl::InfiniteFuture()
                        ? std::numeric_limits<int64_t>::max()
                        : CeilMicros(window.to) - 1;
  if (after.has_value() && after->at_micros <= r.newest_micros) {
    r.newest_micros = after->at_micros;
    r.before_id = after->record_id;
  }
  return r;
}

int64_t IndexMicros(absl::Time at) { return absl::ToUnixMicros(at); }

}  // namespace lov::audit
