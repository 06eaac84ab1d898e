// The registry's rules on capacity caps (now and from a later date) and on
// a provider's notice to leave a zone or the system. Expected values are
// written by hand; the fixture is registry_rules_test_support.h.

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/registry/domain/registry_rules_test_support.h"

namespace lov::registry::rules_test {
namespace {

// ------------------------------------------------------------ capacity

TEST_F(RulesTest, CapBelowZeroIsRejected) {
  EXPECT_TRUE(IsError(Cap(Approved(), "north", -1).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"max_clients", "0 or more"}));
}

TEST_F(RulesTest, CapOnlyWhereApproved) {
  EXPECT_TRUE(IsError(Cap(Approved(), "south", 10).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not approved in zone 'south'"}));
  EXPECT_TRUE(IsError(Cap(Approved(), "kapellskar", 10).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone"}));
}

TEST_F(RulesTest, CapIsSetChangedAndRemoved) {
  absl::StatusOr<v1::Provider> p = Cap(Approved(), "north", 25);
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::CapacityCap* cap = CapFor(*p, "north");
  ASSERT_NE(cap, nullptr);
  EXPECT_TRUE(cap->capped());
  EXPECT_EQ(cap->max_clients(), 25);
  EXPECT_EQ(cap->effective_date(), "2025-03-10");  // empty = today
  EXPECT_EQ(CapFor(*p, "city"), nullptr);

  p = Cap(*p, "north", 30);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->capacity_size(), 1);  // one current cap per zone
  EXPECT_EQ(CapFor(*p, "north")->max_clients(), 30);
  std::optional<v1::ZoneCategoryStatus> st =
      Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->capped());
  EXPECT_EQ(st->max_clients(), 30);
  EXPECT_TRUE(st->accepting_new_clients());

  v1::SetCapacityRequest remove;
  remove.set_zone_id("north");
  remove.set_remove_cap(true);
  remove.set_max_clients(-5);  // ignored when removing
  p = SetCapacity(m_, *p, remove, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(CapFor(*p, "north"), nullptr);
  st = Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_FALSE(st->capped());
}

TEST_F(RulesTest, AnHoursCapNeedsNoCapOnClients) {
  v1::SetCapacityRequest hours;
  hours.set_zone_id("north");
  hours.set_remove_cap(true);          // any number of clients...
  hours.set_max_hours_per_month(400);  // ...up to 400 granted hours a month
  absl::StatusOr<v1::Provider> p = SetCapacity(m_, Approved(), hours, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_NE(CapFor(*p, "north"), nullptr);
  std::optional<v1::ZoneCategoryStatus> st =
      Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_FALSE(st->capped());
  EXPECT_EQ(st->max_hours_per_month(), 400);
  EXPECT_TRUE(st->accepting_new_clients());  // not "zero clients"

  hours.set_max_hours_per_month(0);  // and removed again
  p = SetCapacity(m_, *p, hours, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(CapFor(*p, "north"), nullptr);
  st = Find(StatusAsOf(m_, *p, kToday), "north", kService);
  EXPECT_EQ(st->max_hours_per_month(), 0);
}

// ------------------------------------------------------------ notice

TEST_F(RulesTest, NoticePeriodIsRespected) {
  // 2025-03-10 + 90 days: 21 days to 03-31, 30 to 04-30, 31 to 05-31, then 8
  // more: 2025-06-08.
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-06-07").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"90 days", "2025-03-10", "2025-06-08"}));
  EXPECT_TRUE(Notice(Approved(), "north", "2025-06-08").ok());
}

TEST_F(RulesTest, NoticeGivenOnAnEarlierDayCountsFromThatDay) {
  // Given 2025-02-01: 27 days to 02-28, 31 to 03-31, 30 to 04-30, then 2
  // more: earliest 2025-05-02.
  EXPECT_TRUE(
      IsError(Notice(Approved(), "", "2025-05-01", "2025-02-01").status(),
              absl::StatusCode::kFailedPrecondition, {"2025-05-02"}));
  EXPECT_TRUE(Notice(Approved(), "", "2025-05-02", "2025-02-01").ok());
}

TEST_F(RulesTest, NoticeEffectiveBeforeItIsGivenIsInvalid) {
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-03-01").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "after given_on"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-03-10").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "after given_on"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "required"}));
}

TEST_F(RulesTest, AWithdrawnNoticeGivesTheApprovalsBack) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "north", "2025-06-08");
  ASSERT_TRUE(p.ok()) << p.status();
  v1::WithdrawNoticeRequest w;
  w.set_zone_id("city");  // no notice there
  EXPECT_TRUE(IsError(WithdrawNotice(m_, *p, w, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"no notice to leave zone city"}));
  w.set_zone_id("north");
  // Not once it has taken effect.
  EXPECT_TRUE(
      IsError(WithdrawNotice(m_, *p, w, absl::CivilDay(2025, 6, 8)).status(),
              absl::StatusCode::kFailedPrecondition,
              {"took effect on 2025-06-08", "apply again"}));
  absl::StatusOr<v1::Provider> back = WithdrawNotice(m_, *p, w, kToday);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->notices(0).withdrawn());
  EXPECT_EQ(back->notices(0).withdrawn_on(), "2025-03-10");
  for (const auto& a : back->approvals()) {
    EXPECT_EQ(a.effective_to(), "") << a.zone_id() << "/" << a.category_id();
  }
  // Withdrawn once; a new notice may be given again.
  EXPECT_FALSE(WithdrawNotice(m_, *back, w, kToday).ok());
  EXPECT_TRUE(Notice(*back, "north", "2025-07-01").ok());
}

TEST_F(RulesTest, CannotLeaveAZoneTheProviderIsNotIn) {
  EXPECT_TRUE(IsError(Notice(Approved(), "south", "2025-09-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not in zone 'south'"}));
  EXPECT_TRUE(IsError(Notice(Registered(), "", "2025-09-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not approved anywhere"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "kapellskar", "2025-09-01").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone"}));
}

TEST_F(RulesTest, ApprovalsInTheZoneEndTheDayBeforeLeaving) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "north", "2025-06-08");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->notices_size(), 1);
  EXPECT_EQ(p->notices(0).zone_id(), "north");
  EXPECT_EQ(p->notices(0).given_on(), "2025-03-10");
  EXPECT_EQ(p->notices(0).effective_date(), "2025-06-08");
  EXPECT_EQ(p->notices(0).reason(), "too few clients");
  for (const auto& a : p->approvals()) {
    EXPECT_EQ(a.effective_to(), a.zone_id() == "north" ? "2025-06-07" : "")
        << a.zone_id() << "/" << a.category_id();
  }
}

TEST_F(RulesTest, LeavingTheWholeSystemEndsEveryApproval) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "", "2025-07-01");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->approvals_size(), 4);
  for (const auto& a : p->approvals()) {
    EXPECT_EQ(a.effective_to(), "2025-06-30");
  }
}

TEST_F(RulesTest, SecondNoticeIsRefused) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  EXPECT_TRUE(IsError(Notice(p, "north", "2025-07-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"notice already given", "north", "2025-06-08"}));
  // Leaving the city as well is a separate notice and is allowed.
  EXPECT_TRUE(Notice(p, "city", "2025-07-01").ok());

  v1::Provider all = Notice(Approved(), "", "2025-07-01").value();
  EXPECT_TRUE(IsError(Notice(all, "city", "2025-08-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"notice already given", "2025-07-01"}));
}

// A provider that left a zone and was later approved there again is a normal
// member of that zone: the old notice no longer applies.
TEST_F(RulesTest, ProviderCanComeBackToAZoneItLeft) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  p = Submit(p, {"north"}, {kService});
  absl::StatusOr<v1::Provider> back = Decide(p, "app-2", "2025-09-01");
  ASSERT_TRUE(back.ok()) << back.status();

  v1::ProviderStatus s = StatusAsOf(m_, *back, absl::CivilDay(2025, 9, 10));
  std::optional<v1::ZoneCategoryStatus> st = Find(s, "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->accepting_new_clients());
  EXPECT_THAT(st->reasons(), IsEmpty());
  EXPECT_EQ(st->leaving_date(), "");
  // Personal care in north was not applied for again.
  EXPECT_FALSE(Find(s, "north", kCare).has_value());

  // And it may give notice there again.
  absl::StatusOr<v1::Provider> again =
      Notice(*back, "north", "2026-01-01", "2025-09-10");
  ASSERT_TRUE(again.ok()) << again.status();
  for (const auto& a : again->approvals()) {
    if (a.application_id() == "app-2") {
      EXPECT_EQ(a.effective_to(), "2025-12-31");
    }
  }
}

TEST(CapacityHistoryTest, AFutureCapTakesEffectOnItsDateAndKeepsTheCurrentOne) {
  v1::Provider p;
  p.set_provider_id("prv-1");
  auto* a = p.add_approvals();
  a->set_zone_id("north");
  a->set_category_id("home-help-service");
  a->set_effective_from("2025-01-01");
  v1::Municipality m;
  auto* z = m.add_zones();
  z->set_zone_id("north");
  z->set_name("Norra");
  z->set_area_type(v1::AREA_TYPE_RURAL);
  auto* c = m.add_categories();
  c->set_category_id("home-help-service");
  c->set_name("Service");
  const absl::CivilDay today(2025, 3, 10);

  v1::SetCapacityRequest now;
  now.set_zone_id("north");
  now.set_max_clients(40);
  auto first = SetCapacity(m, p, now, today);
  ASSERT_TRUE(first.ok()) << first.status();
  v1::SetCapacityRequest later = now;
  later.set_max_clients(0);
  later.set_effective_date("2025-04-01");
  auto second = SetCapacity(m, *first, later, today);
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_NE(CapAsOf(*second, "north", "2025-03-31"), nullptr);
  EXPECT_EQ(CapAsOf(*second, "north", "2025-03-31")->max_clients(), 40);
  EXPECT_EQ(CapAsOf(*second, "north", "2025-04-01")->max_clients(), 0);
  EXPECT_EQ(CapFor(*second, "north")->max_clients(), 0);
  v1::ProviderStatus march =
      StatusAsOf(m, *second, absl::CivilDay(2025, 3, 20));
  ASSERT_EQ(march.statuses_size(), 1);
  EXPECT_TRUE(march.statuses(0).accepting_new_clients());
  EXPECT_EQ(march.statuses(0).max_clients(), 40);
  v1::ProviderStatus april = StatusAsOf(m, *second, absl::CivilDay(2025, 4, 2));
  EXPECT_FALSE(april.statuses(0).accepting_new_clients());

  // A new decision from an earlier date replaces the planned one.
  v1::SetCapacityRequest again = now;
  again.set_max_clients(45);
  again.set_effective_date("2025-03-15");
  auto third = SetCapacity(m, *second, again, today);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(CapAsOf(*third, "north", "2025-05-01")->max_clients(), 45);
  EXPECT_EQ(CapAsOf(*third, "north", "2025-03-14")->max_clients(), 40);
}

}  // namespace
}  // namespace lov::registry::rules_test
