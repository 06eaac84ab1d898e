#ifndef LOV_PLATFORM_PAGING_H_
#define LOV_PLATFORM_PAGING_H_

// Paging, the same on every list call: page_size 0 means kDefaultPageSize,
// more than kMaxPageSize is INVALID_ARGUMENT naming the limit (a caller
// that asks for more must not silently get less), negative is refused.
// page_token is empty for the first page, then the previous answer's
// next_page_token; an empty next_page_token means the last page.
//
// Items are listed in the order of a unique sort key (a tuple of strings
// compared part by part); a token holds the key of the last item given, so
// a page starts after it and items added or removed between pages neither
// shift nor repeat the others. A token also holds a fingerprint of the
// query (the call and the request fields that select the items): a token
// of another query is INVALID_ARGUMENT naming page_token. Tokens are not
// secret: a forged one can only choose where a page starts.
// The protos allow page_token 2048 characters: keep keys well under it.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lov {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;

// A list call's sort key: compared part by part, each part as bytes.
using PageKey = std::vector<std::string>;

// A list request's page_size and page_token, checked.
struct PageRequest {
  int size = kDefaultPageSize;
  // The key of the last item the previous page gave; empty on the first.
  PageKey after;
  // The query the token must belong to (see ListQuery).
  std::string query;
};

// The fingerprint of a query: the call's name and every request field that
// selects or orders the items (not page_size or page_token).
std::string ListQuery(std::initializer_list<absl::string_view> parts);

// page_size as the contract above says; `page_token` must be empty or a
// token made for `query`.
absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size,
                                            absl::string_view page_token,
                                            std::string query);

// The token of the page after the item whose key is `last`.
std::string NextPageToken(absl::string_view query, const PageKey& last);

// A number as a key part that sorts as the number does.
std::string SortableNumber(int64_t n);

// Collects one page from items offered in increasing key order: skips the
// ones at or before the request's position, keeps at most request.size,
// and looks one item further to know whether another page follows.
template <typename T>
class PageBuilder {
 public:
  explicit PageBuilder(const PageRequest& request) : request_(request) {}

  // Offers the next item; ignored once full().
  void Offer(PageKey key, T item) {
    if (full() || (!request_.after.empty() && key <= request_.after)) return;
    if (static_cast<int>(items_.size()) == request_.size) {
      more_ = true;
      return;
    }
    last_ = std::move(key);
    items_.push_back(std::move(item));
  }
  // Whether the page is known: no further offer changes it.
  bool full() const { return more_; }
  // Whether an item with this key could still be offered usefully: keys
  // that sort before the request's position are skipped anyway.
  bool Wants(const PageKey& key) const {
    return !full() && (request_.after.empty() || request_.after < key);
  }

  // The page's items; `next_page_token` is empty on the last page.
  std::vector<T> Take(std::string* next_page_token) {
    *next_page_token = more_ ? NextPageToken(request_.query, last_) : "";
    return std::move(items_);
  }

 private:
  const PageRequest& request_;
  std::vector<T> items_;
  PageKey last_;
  bool more_ = false;
};

// One page of `items`, whose keys `key_of(item)` are unique: sorted by key
// here, so the caller may pass them in any order.
template <typename T, typename KeyOf>
std::vector<T> TakePage(std::vector<T> items, const PageRequest& request,
                        KeyOf key_of, std::string* next_page_token) {
  std::vector<std::pair<PageKey, T*>> keyed;
  keyed.reserve(items.size());
  for (T& item : items) keyed.emplace_back(key_of(item), &item);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  PageBuilder<T> page(request);
  for (auto& [key, item] : keyed) {
    if (page.full()) break;
    page.Offer(std::move(key), std::move(*item));
  }
  return page.Take(next_page_token);
}

}  // namespace lov

#endif  // LOV_PLATFORM_PAGING_H_
