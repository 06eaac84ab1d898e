#ifndef LOV_TESTS_SUPPORT_PAGE_WALK_H_
#define LOV_TESTS_SUPPORT_PAGE_WALK_H_

// Walks the pages of a list call as a client does: the first page without
// a token, then each answer's next_page_token until it is empty.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace lov::testing {

// `list(page_token)` answers one page; `ids_of(page)` names its items.
// Every page's ids, in order; stops (with a test failure) on an error or
// after `max_pages`, so a token that never ends cannot hang a test.
template <typename List, typename IdsOf>
std::vector<std::vector<std::string>> WalkPages(List list, IdsOf ids_of,
                                                int max_pages = 20) {
  std::vector<std::vector<std::string>> pages;
  std::string token;
  do {
    auto page = list(token);
    if (!page.ok()) {
      ADD_FAILURE() << "page " << pages.size() + 1 << ": " << page.status();
      break;
    }
    pages.push_back(ids_of(*page));
    token = page->next_page_token();
  } while (!token.empty() && static_cast<int>(pages.size()) < max_pages);
  EXPECT_EQ(token, "") << "more pages than " << max_pages;
  return pages;
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_PAGE_WALK_H_
