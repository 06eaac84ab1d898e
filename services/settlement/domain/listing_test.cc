#include "lov/settlement/domain/listing.h"

#include <gtest/gtest.h>

namespace lov::settlement {
namespace {

choice::v1::Assignment Assign(const std::string& client,
                              const std::string& from, const std::string& to,
                              const std::string& category = "home-nursing") {
  choice::v1::Assignment a;
  a.set_assignment_id(client + "-" + from);
  a.set_client_id(client);
  a.set_provider_id("prv-a");
  a.set_zone_id("north");
  a.add_category_ids(category);
  a.set_valid_from(from);
  a.set_valid_to(to);
  return a;
}

std::map<std::string, int64_t> DaysByClient(const std::vector<ClientDays>& v) {
  std::map<std::string, int64_t> out;
  for (const ClientDays& c : v) out[c.client_id] = c.days;
  return out;
}

const absl::CivilMonth kJanuary(2024, 1);

std::vector<choice::v1::Assignment> MidMonthChanges() {
  return {Assign("c1", "2024-01-01", "2024-01-10"),  // leaves after the 10th
          Assign("c2", "2024-01-16", ""),            // joins on the 16th
          Assign("c3", "2023-12-01", "2024-01-20"),  // over the 15th
          Assign("c4", "2024-02-01", "")};           // not yet
}

TEST(SettlementListingTest, ProRataCountsTheDaysListed) {
  EXPECT_EQ(
      DaysByClient(ListedDays(MidMonthChanges(), kJanuary,
                              v1::LISTING_RULE_KIND_PRO_RATA_DAYS)),
      (std::map<std::string, int64_t>{{"c1", 10}, {"c2", 16}, {"c3", 20}}));
}

TEST(SettlementListingTest, ProviderOnTheFifteenthGetsTheWholeMonth) {
  EXPECT_EQ(DaysByClient(ListedDays(MidMonthChanges(), kJanuary,
                                    v1::LISTING_RULE_KIND_PROVIDER_ON_15TH)),
            (std::map<std::string, int64_t>{{"c3", 31}}));
  // Listed exactly on the 15th and gone the day after still counts.
  EXPECT_EQ(DaysByClient(ListedDays({Assign("c5", "2024-02-15", "2024-02-15")},
                                    absl::CivilMonth(2024, 2),
                                    v1::LISTING_RULE_KIND_PROVIDER_ON_15TH)),
            (std::map<std::string, int64_t>{{"c5", 29}}));  // leap year
}

TEST(SettlementListingTest, OverlappingAssignmentsNeverCountADayTwice) {
  std::vector<ClientDays> listed =
      ListedDays({Assign("c1", "2024-01-01", "2024-01-05"),
                  Assign("c1", "2024-01-04", "2024-01-10"),
                  Assign("c1", "2024-01-20", "2024-01-21")},
                 kJanuary, v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].days, 12);
  EXPECT_EQ(DescribeDays(listed[0]),
            (std::vector<std::string>{"c1:2024-01-01..2024-01-10",
                                      "c1:2024-01-20..2024-01-21"}));
}

TEST(SettlementListingTest, GrantedTimeFollowsTheDecisionValidEachDay) {
  std::vector<ClientDays> listed =
      ListedDays({Assign("c1", "2024-01-01", "2024-01-10", "granted-help")},
                 kJanuary, v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  ASSERT_EQ(listed.size(), 1u);
  choice::v1::Decision first;
  first.set_valid_from("2023-06-01");
  auto* g = first.add_categories();
  g->set_category_id("granted-help");
  g->set_minutes_per_month(1200);
  // 20 h/month for 10 days: 1200 min x 60 s x 10 days.
  EXPECT_EQ(GrantedSecondsTimesDays(listed[0], {first}), 1200 * 60 * 10);
  // Cut to 10 h/month from the 6th: 5 days of 1200 and 5 of 600 minutes.
  choice::v1::Decision second = first;
  second.set_valid_from("2024-01-06");
  second.mutable_categories(0)->set_minutes_per_month(600);
  EXPECT_EQ(GrantedSecondsTimesDays(listed[0], {second, first}),
            (1200 * 5 + 600 * 5) * 60);
}

}  // namespace
}  // namespace lov::settlement
