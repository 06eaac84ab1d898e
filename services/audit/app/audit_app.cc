#include "lov/audit/app/audit_app.h"

#include "lov/platform/proto_util.h"

namespace lov::audit {

absl::StatusOr<v1::ListAccessResponse> AuditApp::ListAccess(
    AccessIndex index, absl::string_view field, const std::string& key,
    const PageQuery& query) {
  if (absl::Status s = CheckSubjectOfQuery(field, key); !s.ok()) return s;
  absl::StatusOr<Window> window = WindowOf(query.from, query.to);
  if (!window.ok()) return window.status();
  absl::StatusOr<int> size = PageSizeOf(query.page_size);
  if (!size.ok()) return size.status();
  absl::StatusOr<std::optional<PagePosition>> after =
      DecodePageToken(query.page_token);
  if (!after.ok()) return after.status();
  // One more than the page: whether another page follows.
  absl::StatusOr<std::vector<auth::v1::AuditRecord>> records =
      store_->Scan(index, key, ScanRangeOf(*window, *after), *size + 1);
  if (!records.ok()) return records.status();
  v1::ListAccessResponse out;
  for (auto& r : *records) {
    if (out.records_size() == *size) break;
    *out.add_records() = std::move(r);
  }
  if (static_cast<int>(records->size()) > *size) {
    const auth::v1::AuditRecord& last = out.records(*size - 1);
    out.set_next_page_token(EncodePageToken(
        {IndexMicros(FromProtoTime(last.at())), last.record_id()}));
  }
  return out;
}

}  // namespace lov::audit
