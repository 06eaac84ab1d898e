// A provider's status per zone and category on a day: approved, paused,
// under notice, capped, not yet active, gone. Expected values are written
// by hand; the fixture is registry_rules_test_support.h.

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/registry/domain/registry_rules_test_support.h"

namespace lov::registry::rules_test {
namespace {

// ------------------------------------------------------------ status

TEST_F(RulesTest, ApprovedProviderAcceptsEverywhereItIsApproved) {
  v1::ProviderStatus s = StatusAsOf(m_, Approved(), kToday);
  EXPECT_EQ(s.as_of(), "2025-03-10");
  EXPECT_TRUE(s.active());
  EXPECT_EQ(s.provider().provider_id(), "prv-5560360793");
  std::vector<std::string> pairs;
  for (const auto& st : s.statuses()) {
    pairs.push_back(st.zone_id() + "/" + st.category_id());
    EXPECT_TRUE(st.approved());
    EXPECT_TRUE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(), IsEmpty());
    EXPECT_FALSE(st.capped());
    EXPECT_EQ(st.leaving_date(), "");
  }
  EXPECT_THAT(pairs, UnorderedElementsAre("north/home-help-service",
                                          "north/home-help-personal-care",
                                          "city/home-help-service",
                                          "city/home-help-personal-care"));
}

TEST_F(RulesTest, PausedIntakeIsAReason) {
  v1::SetIntakePausedRequest pause;
  pause.set_zone_id("north");
  pause.set_paused(true);
  EXPECT_TRUE(IsError(SetIntakePaused(m_, Approved(), pause).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "required when pausing"}));
  pause.set_reason("staff shortage");
  v1::Provider p = SetIntakePaused(m_, Approved(), pause).value();
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  std::optional<v1::ZoneCategoryStatus> north = Find(s, "north", kService);
  ASSERT_TRUE(north.has_value());
  EXPECT_FALSE(north->accepting_new_clients());
  EXPECT_THAT(north->reasons(), ElementsAre("intake paused by the provider"));
  EXPECT_TRUE(Find(s, "city", kService).value().accepting_new_clients());

  v1::SetIntakePausedRequest resume;
  resume.set_zone_id("north");
  p = SetIntakePaused(m_, p, resume).value();
  EXPECT_TRUE(Find(StatusAsOf(m_, p, kToday), "north", kCare)
                  .value()
                  .accepting_new_clients());

  // Empty zone: every zone.
  v1::SetIntakePausedRequest everywhere;
  everywhere.set_paused(true);
  everywhere.set_reason("summer");
  p = SetIntakePaused(m_, p, everywhere).value();
  const v1::ProviderStatus paused_everywhere = StatusAsOf(m_, p, kToday);
  ASSERT_EQ(paused_everywhere.statuses_size(), 4);
  for (const auto& st : paused_everywhere.statuses()) {
    EXPECT_FALSE(st.accepting_new_clients()) << st.zone_id();
  }
}

TEST_F(RulesTest, NoticeStopsIntakeWhenTheMunicipalitySaysSo) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  std::optional<v1::ZoneCategoryStatus> north = Find(s, "north", kCare);
  ASSERT_TRUE(north.has_value());
  EXPECT_TRUE(north->approved());
  EXPECT_FALSE(north->accepting_new_clients());
  EXPECT_THAT(north->reasons(), ElementsAre("notice given: leaves 2025-06-08"));
  EXPECT_EQ(north->leaving_date(), "2025-06-08");
  std::optional<v1::ZoneCategoryStatus> city = Find(s, "city", kCare);
  ASSERT_TRUE(city.has_value());
  EXPECT_TRUE(city->accepting_new_clients());
  EXPECT_EQ(city->leaving_date(), "");

  // Before the notice was given nothing shows.
  std::optional<v1::ZoneCategoryStatus> earlier =
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 3, 9)), "north", kCare);
  ASSERT_TRUE(earlier.has_value());
  EXPECT_TRUE(earlier->accepting_new_clients());

  // Where intake goes on under notice, the leaving date still shows.
  v1::Municipality keeps_intake = m_;
  keeps_intake.set_stop_intake_on_notice(false);
  std::optional<v1::ZoneCategoryStatus> open =
      Find(StatusAsOf(keeps_intake, p, kToday), "north", kCare);
  ASSERT_TRUE(open.has_value());
  EXPECT_TRUE(open->accepting_new_clients());
  EXPECT_EQ(open->leaving_date(), "2025-06-08");
}

TEST_F(RulesTest, CapOfZeroClientsIsAReason) {
  v1::Provider p = Cap(Approved(), "city", 0).value();
  std::optional<v1::ZoneCategoryStatus> city =
      Find(StatusAsOf(m_, p, kToday), "city", kService);
  ASSERT_TRUE(city.has_value());
  EXPECT_TRUE(city->capped());
  EXPECT_EQ(city->max_clients(), 0);
  EXPECT_FALSE(city->accepting_new_clients());
  EXPECT_THAT(city->reasons(), ElementsAre("capacity cap is zero clients"));
}

TEST_F(RulesTest, EveryReasonIsListed) {
  v1::Provider p = Cap(Approved(), "north", 0).value();
  v1::SetIntakePausedRequest pause;
  pause.set_paused(true);
  pause.set_reason("staff shortage");
  p = SetIntakePaused(m_, p, pause).value();
  p = Sanction(p, v1::SANCTION_KIND_SUSPENSION, "", "").value();
  p = Notice(p, "north", "2025-06-08").value();
  std::optional<v1::ZoneCategoryStatus> north =
      Find(StatusAsOf(m_, p, kToday), "north", kService);
  ASSERT_TRUE(north.has_value());
  EXPECT_THAT(north->reasons(),
              UnorderedElementsAre("intake paused by the provider",
                                   "suspended: no new clients",
                                   "notice given: leaves 2025-06-08",
                                   "capacity cap is zero clients"));
}

TEST_F(RulesTest, FutureApprovalIsNotYetActive) {
  v1::Provider p = Submit(Registered(), {"south"}, {kService});
  p = Decide(p, "app-1", "2025-04-01").value();
  v1::ProviderStatus today = StatusAsOf(m_, p, kToday);
  EXPECT_FALSE(today.active());
  EXPECT_THAT(today.statuses(), IsEmpty());
  v1::ProviderStatus then = StatusAsOf(m_, p, absl::CivilDay(2025, 4, 1));
  EXPECT_TRUE(then.active());
  ASSERT_EQ(then.statuses_size(), 1);
  EXPECT_EQ(then.statuses(0).zone_id(), "south");
  EXPECT_TRUE(then.statuses(0).accepting_new_clients());
}

TEST_F(RulesTest, AfterTheLeavingDateTheZoneIsGone) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  EXPECT_TRUE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 6, 7)), "north", kService)
          .has_value());
  v1::ProviderStatus after = StatusAsOf(m_, p, absl::CivilDay(2025, 6, 8));
  EXPECT_FALSE(Find(after, "north", kService).has_value());
  EXPECT_FALSE(Find(after, "north", kCare).has_value());
  EXPECT_TRUE(after.active());  // still in the city
  EXPECT_TRUE(Find(after, "city", kService).has_value());
}

}  // namespace
}  // namespace lov::registry::rules_test
