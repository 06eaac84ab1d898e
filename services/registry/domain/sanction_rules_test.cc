// The registry's sanction rules (sanction_rules.h): action plans,
// suspensions and their lifting, termination. Expected values are written
// by hand; the fixture is registry_rules_test_support.h.
#include "lov/registry/domain/sanction_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/registry/domain/registry_rules_test_support.h"

namespace lov::registry::rules_test {
namespace {

// ------------------------------------------------------------ sanctions

TEST_F(RulesTest, ActionPlanNeedsAFutureDeadline) {
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "", "").status(),
      absl::StatusCode::kInvalidArgument, {"deadline", "required"}));
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "2025-03-10", "")
          .status(),
      absl::StatusCode::kInvalidArgument, {"deadline", "after today"}));
  absl::StatusOr<v1::Provider> p =
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "2025-04-30", "");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->sanctions_size(), 1);
  EXPECT_EQ(p->sanctions(0).sanction_id(), "san-1");
  EXPECT_EQ(p->sanctions(0).deadline(), "2025-04-30");
  EXPECT_EQ(p->sanctions(0).decided_on(), "2025-03-10");
  // An action plan does not stop intake.
  EXPECT_TRUE(Find(StatusAsOf(m_, *p, kToday), "north", kService)
                  .value()
                  .accepting_new_clients());
}

TEST_F(RulesTest, SanctionNeedsAReasonAndAKind) {
  v1::ImposeSanctionRequest r;
  r.set_kind(v1::SANCTION_KIND_WARNING);
  EXPECT_TRUE(IsError(ImposeSanction(Approved(), r, kToday).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "required"}));
  r.set_reason("late visits");
  r.set_kind(v1::SANCTION_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsError(ImposeSanction(Approved(), r, kToday).status(),
                      absl::StatusCode::kInvalidArgument, {"kind"}));
}

TEST_F(RulesTest, SuspensionStopsNewClientsUntilLifted) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_SUSPENSION, "", "").value();
  EXPECT_EQ(p.sanctions(0).effective_date(), "2025-03-10");  // empty = today
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  EXPECT_TRUE(s.active());
  ASSERT_EQ(s.statuses_size(), 4);
  for (const auto& st : s.statuses()) {
    EXPECT_TRUE(st.approved());
    EXPECT_FALSE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(), ElementsAre("suspended: no new clients"));
  }

  v1::LiftSuspensionRequest lift;
  lift.set_sanction_id("san-1");
  lift.set_reason("action plan followed");
  absl::StatusOr<v1::Provider> lifted =
      LiftSuspension(p, lift, absl::CivilDay(2025, 4, 2));
  ASSERT_TRUE(lifted.ok()) << lifted.status();
  EXPECT_TRUE(lifted->sanctions(0).lifted());
  EXPECT_EQ(lifted->sanctions(0).lifted_on(), "2025-04-02");
  const v1::ProviderStatus after_lift = StatusAsOf(m_, *lifted, kToday);
  for (const auto& st : after_lift.statuses()) {
    EXPECT_TRUE(st.accepting_new_clients());
  }
  EXPECT_TRUE(IsError(LiftSuspension(*lifted, lift, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"san-1", "already lifted", "2025-04-02"}));
}

TEST_F(RulesTest, SuspensionFromALaterDayStartsThen) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_SUSPENSION, "", "2025-04-01")
          .value();
  EXPECT_TRUE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 3, 31)), "city", kCare)
          .value()
          .accepting_new_clients());
  EXPECT_FALSE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 4, 1)), "city", kCare)
          .value()
          .accepting_new_clients());
}

TEST_F(RulesTest, OnlyASuspensionCanBeLifted) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_WARNING, "", "").value();
  v1::LiftSuspensionRequest lift;
  lift.set_sanction_id("san-1");
  EXPECT_TRUE(IsError(LiftSuspension(p, lift, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"san-1", "not a suspension"}));
  lift.set_sanction_id("san-7");
  EXPECT_TRUE(IsError(LiftSuspension(p, lift, kToday).status(),
                      absl::StatusCode::kNotFound, {"san-7"}));
}

TEST_F(RulesTest, TerminationEndsApprovalsAndShowsTheLeavingDate) {
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_TERMINATION, "", "2025-03-10")
          .status(),
      absl::StatusCode::kInvalidArgument, {"effective_date", "after today"}));
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_TERMINATION, "", "2025-05-01")
          .value();
  ASSERT_EQ(p.approvals_size(), 4);
  for (const auto& a : p.approvals()) EXPECT_EQ(a.effective_to(), "2025-04-30");

  v1::ProviderStatus before = StatusAsOf(m_, p, kToday);
  ASSERT_EQ(before.statuses_size(), 4);
  for (const auto& st : before.statuses()) {
    EXPECT_EQ(st.leaving_date(), "2025-05-01");
    EXPECT_FALSE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(),
                ElementsAre("contract terminated from 2025-05-01"));
  }
  // Its last day still has approvals; the day after none.
  EXPECT_EQ(StatusAsOf(m_, p, absl::CivilDay(2025, 4, 30)).statuses_size(), 4);
  v1::ProviderStatus after = StatusAsOf(m_, p, absl::CivilDay(2025, 5, 1));
  EXPECT_FALSE(after.active());
  EXPECT_THAT(after.statuses(), IsEmpty());

  EXPECT_TRUE(IsError(
      Sanction(p, v1::SANCTION_KIND_TERMINATION, "", "2025-06-01").status(),
      absl::StatusCode::kFailedPrecondition, {"already terminated"}));
  v1::SubmitApplicationRequest apply;
  apply.add_zone_ids("south");
  apply.add_category_ids(kService);
  EXPECT_TRUE(IsError(SubmitApplication(m_, p, apply, Now()).status(),
                      absl::StatusCode::kFailedPrecondition, {"terminated"}));
}

}  // namespace
}  // namespace lov::registry::rules_test
