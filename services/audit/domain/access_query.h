#ifndef LOV_SERVICES_AUDIT_DOMAIN_ACCESS_QUERY_H_
#define LOV_SERVICES_AUDIT_DOMAIN_ACCESS_QUERY_H_

// The rules of an audit log query, pure: which client or person it is about,
// the time window, the page size, and where a page ends (the page token).
// Record times are compared in whole microseconds (the index's scores).

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lov/platform/paging.h"

namespace lov::audit {

// The page sizes of every list call.
using ::lov::kDefaultPageSize;
using ::lov::kMaxPageSize;
// Longer ids are no client id or HSA-id; refused before they reach a key.
inline constexpr size_t kMaxIdLength = 128;

// The client id or subject a query is about, in `field` ("client_id"):
// required, not over kMaxIdLength, and never a personal identity number
// (clients are named by their client id in the audit log).
absl::Status CheckSubjectOfQuery(absl::string_view field,
                                 absl::string_view value);

// 0 gives kDefaultPageSize; negative or more than kMaxPageSize is
// INVALID_ARGUMENT naming page_size (and the limit), as on every list call.
absl::StatusOr<int> PageSizeOf(int32_t requested);

// The records' times a query covers: [from, to).
struct Window {
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
};

// From the request's from_time / to_time (nullptr: unset); each must be a
// valid timestamp, and to after from.
absl::StatusOr<Window> WindowOf(const google::protobuf::Timestamp* from,
                                const google::protobuf::Timestamp* to);

// The last record a page gave: the next page starts after it.
struct PagePosition {
  int64_t at_micros = 0;
  std::string record_id;
  bool operator==(const PagePosition&) const = default;
};

// An opaque, URL-safe token; DecodePageToken(EncodePageToken(p)) == p.
std::string EncodePageToken(const PagePosition& position);
// Empty gives nullopt (the first page); a token this service did not make is
// INVALID_ARGUMENT naming page_token.
absl::StatusOr<std::optional<PagePosition>> DecodePageToken(
    absl::string_view token);

// What one page reads of an index ordered newest first: records whose time
// in microseconds is in [oldest_micros, newest_micros], except at
// newest_micros only those whose id sorts before before_id (when set: the
// records at that time the previous page gave have ids from before_id up).
struct ScanRange {
  int64_t newest_micros = 0;
  int64_t oldest_micros = 0;
  std::string before_id;
  bool operator==(const ScanRange&) const = default;
};
ScanRange ScanRangeOf(const Window& window,
                      const std::optional<PagePosition>& after);

// A record's time as the index scores it (whole microseconds, rounded down).
int64_t IndexMicros(absl::Time at);

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_DOMAIN_ACCESS_QUERY_H_
