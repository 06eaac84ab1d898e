#include "lov/platform/paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "status_matchers.h"

namespace lov {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kQuery = ListQuery({"test.List", "zone-1"});

PageRequest Read(int32_t size, const std::string& token = "") {
  absl::StatusOr<PageRequest> r = ReadPageRequest(size, token, kQuery);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : PageRequest{};
}

TEST(PageRequestTest, SizeDefaultsTo100AndAtMost500) {
  EXPECT_EQ(Read(0).size, 100);
  EXPECT_EQ(Read(1).size, 1);
  EXPECT_EQ(Read(500).size, 500);
  EXPECT_TRUE(Read(7).after.empty());
}

TEST(PageRequestTest, AboveTheMaximumNamesTheLimit) {
  EXPECT_TRUE(IsError(ReadPageRequest(501, "", kQuery).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size", "501", "maximum 500"}));
  EXPECT_TRUE(IsError(ReadPageRequest(5000, "", kQuery).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 5000 is above the maximum 500"}));
  EXPECT_TRUE(IsError(ReadPageRequest(-1, "", kQuery).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size", "negative"}));
}

TEST(PageTokenTest, RoundTripsAKeyWhosePartsHoldSeparators) {
  const PageKey last = {"cli-1:2", "", "a/b+c=d", std::string("x\0y", 3)};
  const std::string token = NextPageToken(kQuery, last);
  EXPECT_EQ(token.find_first_of("+/= :"), std::string::npos) << token;
  EXPECT_EQ(Read(3, token).after, last);
}

TEST(PageTokenTest, ATokenOfAnotherQueryIsRefused) {
  const std::string token =
      NextPageToken(ListQuery({"test.List", "zone-2"}), {"cli-1"});
  EXPECT_TRUE(IsError(ReadPageRequest(10, token, kQuery).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_token", "next_page_token"}));
  // The parts are length-prefixed: "ab"+"c" is not "a"+"bc".
  EXPECT_NE(ListQuery({"ab", "c"}), ListQuery({"a", "bc"}));
}

TEST(PageTokenTest, ForgedTokensAreRefused) {
  const std::string good = NextPageToken(kQuery, {"cli-1"});
  std::string text;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(good, &text));
  for (const std::string& bad : std::vector<std::string>{
           "not base64!", absl::WebSafeBase64Escape("p1:"),
           absl::WebSafeBase64Escape(text + "9:short"),       // length too big
           absl::WebSafeBase64Escape(text.substr(0, 20)),     // no key
           absl::WebSafeBase64Escape("p2" + text.substr(2)),  // other version
           absl::WebSafeBase64Escape(text + "x")}) {          // no length
    EXPECT_TRUE(IsError(ReadPageRequest(10, bad, kQuery).status(),
                        absl::StatusCode::kInvalidArgument, {"page_token"}))
        << bad;
  }
}

TEST(SortableNumberTest, SortsAsTheNumbers) {
  const std::vector<int64_t> numbers = {
      INT64_MIN, -1000, -1, 0, 1, 9, 10, 1741600000123, INT64_MAX};
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    EXPECT_LT(SortableNumber(numbers[i]), SortableNumber(numbers[i + 1]))
        << numbers[i];
  }
}

// Walks every page of `items` with page size `size`.
std::vector<std::vector<int>> Walk(const std::vector<int>& items, int size) {
  std::vector<std::vector<int>> pages;
  std::string token;
  do {
    PageRequest r = Read(size, token);
    pages.push_back(TakePage(
        items, r, [](int i) { return PageKey{SortableNumber(i)}; }, &token));
  } while (!token.empty() && pages.size() < 20);
  return pages;
}

TEST(TakePageTest, PagesFollowInKeyOrderWithoutSkipOrRepeat) {
  EXPECT_THAT(
      Walk({5, 3, 1, 4, 2, 7, 6}, 3),
      ElementsAre(ElementsAre(1, 2, 3), ElementsAre(4, 5, 6), ElementsAre(7)));
  // A full last page has no next token.
  EXPECT_THAT(Walk({2, 1, 4, 3}, 2),
              ElementsAre(ElementsAre(1, 2), ElementsAre(3, 4)));
  EXPECT_THAT(Walk({}, 2), ElementsAre(IsEmpty()));
}

TEST(TakePageTest, ItemsAddedOrRemovedBetweenPagesShiftNothing) {
  std::string token;
  const auto key = [](int i) { return PageKey{SortableNumber(i)}; };
  EXPECT_THAT(TakePage(std::vector<int>{10, 20, 30, 40}, Read(2), key, &token),
              ElementsAre(10, 20));
  // 20 was removed and 15 added before the next page.
  EXPECT_THAT(
      TakePage(std::vector<int>{10, 15, 30, 40}, Read(2, token), key, &token),
      ElementsAre(30, 40));
  EXPECT_EQ(token, "");
}

TEST(PageBuilderTest, WantsOnlyKeysAfterThePosition) {
  const PageRequest r = Read(1, NextPageToken(kQuery, {"b", "2"}));
  PageBuilder<int> page(r);
  EXPECT_FALSE(page.Wants({"a", "9"}));
  EXPECT_FALSE(page.Wants({"b", "2"}));
  EXPECT_TRUE(page.Wants({"b", "3"}));
  page.Offer({"b", "2"}, 0);
  page.Offer({"b", "3"}, 1);
  EXPECT_FALSE(page.full());
  page.Offer({"c", "1"}, 2);
  EXPECT_TRUE(page.full());
  EXPECT_FALSE(page.Wants({"d"}));
  std::string token;
  EXPECT_THAT(page.Take(&token), ElementsAre(1));
  EXPECT_EQ(Read(1, token).after, (PageKey{"b", "3"}));
}

}  // namespace
}  // namespace lov
