// ListRateTables pages: by effective date, no table skipped or repeated,
// the documented refusals of a too large page or a foreign token.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/paging.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "page_walk.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using ::lov::testing::WalkPages;
using ::testing::ElementsAre;

class ListRateTablesPagingTest : public test_support::SettlementAppFixture {
 protected:
  void SetUp() override {
    // Added out of order: the list is by effective date.
    for (const char* day : {"2024-03-01", "2024-01-01", "2024-05-01",
                            "2024-02-01", "2024-04-01"}) {
      v1::RateTable t = testing::January2024();
      t.set_effective_date(day);
      ASSERT_TRUE(app_.AddRateTable(AddRates(t)).ok()) << day;
    }
  }

  absl::StatusOr<v1::ListRateTablesResponse> List(int size,
                                                  const std::string& token) {
    v1::ListRateTablesRequest r;
    r.set_page_size(size);
    r.set_page_token(token);
    return app_.ListRateTables(r);
  }

  static std::vector<std::string> Days(const v1::ListRateTablesResponse& r) {
    std::vector<std::string> out;
    for (const auto& t : r.tables()) out.push_back(t.effective_date());
    return out;
  }
};

TEST_F(ListRateTablesPagingTest, PagesFollowEachOtherWithoutSkipOrRepeat) {
  EXPECT_THAT(WalkPages([&](const std::string& t) { return List(2, t); }, Days),
              ElementsAre(ElementsAre("2024-01-01", "2024-02-01"),
                          ElementsAre("2024-03-01", "2024-04-01"),
                          ElementsAre("2024-05-01")));
  // Page size 0 is 100: everything at once, no next page.
  EXPECT_THAT(WalkPages([&](const std::string& t) { return List(0, t); }, Days),
              ElementsAre(ElementsAre("2024-01-01", "2024-02-01", "2024-03-01",
                                      "2024-04-01", "2024-05-01")));
}

TEST_F(ListRateTablesPagingTest, ATableAddedBetweenPagesShiftsNothing) {
  absl::StatusOr<v1::ListRateTablesResponse> first = List(2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  v1::RateTable early = testing::January2024();
  early.set_effective_date("2023-06-01");
  ASSERT_TRUE(app_.AddRateTable(AddRates(early)).ok());
  absl::StatusOr<v1::ListRateTablesResponse> second =
      List(2, first->next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Days(*second), ElementsAre("2024-03-01", "2024-04-01"));
}

TEST_F(ListRateTablesPagingTest, TooLargeAPageOrAForeignTokenIsRefused) {
  EXPECT_TRUE(IsError(List(501, "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 501 is above the maximum 500"}));
  EXPECT_TRUE(IsError(List(-1, "").status(), absl::StatusCode::kInvalidArgument,
                      {"page_size"}));
  EXPECT_TRUE(IsError(List(2, "forged").status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
  // A token of another list call (the registry's) is refused too.
  const std::string other =
      NextPageToken(ListQuery({"registry.ListProviders"}), {"2024-01-01"});
  EXPECT_TRUE(IsError(List(2, other).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
}

}  // namespace
}  // namespace lov::settlement
