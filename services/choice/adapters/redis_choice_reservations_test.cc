// RedisChoiceStore's capacity scripts against the real Redis of the ctest
// fixture, each test under a prefix of its own: pending slots count against
// the caps, a release gives back only its own taking (and what the client
// held before), an applied event settles a slot, and an orphan is given
// back once the projection's offsets have passed the topic's end.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/choice/app/reservation_resolver.h"
#include "lov/choice/app/testing/choice_fakes.h"
#include "lov/choice/domain/client_state.h"
#include "status_matchers.h"
#include "test_stack.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

constexpr char kProvider[] = "prv-5560360793";
constexpr char kZone[] = "north";
constexpr absl::CivilDay kFrom{2025, 3, 10};

class ReservationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    prefix_ = UniqueName("it:choice");
    store_ = std::make_unique<RedisChoiceStore>(redis_.get(), prefix_, &vault_);
  }

  ReservationTag Tag(const std::string& request_id, int minutes_from_now) {
    return {.owner = "instance-1",
            .request_id = request_id,
            .expires = kNow + absl::Minutes(minutes_from_now)};
  }

  absl::StatusOr<Reservation> Take(const std::string& client_id,
                                   SlotLimits limits, int64_t minutes,
                                   const ReservationTag& tag) {
    return store_->Reserve(kProvider, kZone, client_id, kFrom, limits, minutes,
                           tag);
  }

  Occupancy Held() {
    return store_->Occupied({kProvider}, kZone, kFrom, "").value()[kProvider];
  }

  // The client's slot score, or "" when it holds none.
  std::string Score(const std::string& client_id) {
    auto r = redis_->Command(
        {"ZSCORE", absl::StrCat(prefix_, ":slots:", kProvider, ":", kZone),
         client_id});
    return r.ok() && !r->is_nil() ? r->str : "";
  }

  static constexpr absl::Time kNow = absl::FromUnixSeconds(1741597200);
  PersonnummerVault vault_ =
      *PersonnummerVault::Create(PersonnummerVault::kDevelopmentKey);
  std::unique_ptr<RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<RedisChoiceStore> store_;
};

TEST_F(ReservationStoreTest, PendingSlotsCountAgainstBothCaps) {
  ASSERT_TRUE(
      Take("cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-a", 2))
          .ok());
  EXPECT_TRUE(IsError(
      Take("cli-b", {.max_clients = 1, .max_minutes = -1}, 300, Tag("req-b", 2))
          .status(),
      absl::StatusCode::kFailedPrecondition,
      {"capacity cap", "cap of 1 clients", "1 hold a place"}));
  // 600 + 400 minutes is over 900.
  EXPECT_TRUE(IsError(Take("cli-b", {.max_clients = -1, .max_minutes = 900},
                           400, Tag("req-b", 2))
                          .status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"hours cap", "10 h held"}));
  EXPECT_EQ(Held().clients, 1);
  EXPECT_EQ(Held().minutes, 600);
}

TEST_F(ReservationStoreTest, AReleaseGivesBackOnlyItsOwnPendingTaking) {
  absl::StatusOr<Reservation> first = Take(
      "cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-1", 2));
  ASSERT_TRUE(first.ok()) << first.status();
  // A second command joins the slot still in doubt and extends its expiry.
  absl::StatusOr<Reservation> joined = Take(
      "cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-2", 4));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(store_->Release(*joined).value_or(true), false);
  EXPECT_EQ(Held().clients, 1);

  // Expired at kNow + 4 min (not at + 2), as the first taking, req-1.
  EXPECT_TRUE(store_->ExpiredReservations(kNow + absl::Minutes(3))->empty());
  absl::StatusOr<std::vector<PendingReservation>> expired =
      store_->ExpiredReservations(kNow + absl::Minutes(4));
  ASSERT_TRUE(expired.ok()) << expired.status();
  ASSERT_EQ(expired->size(), 1u);
  const PendingReservation& p = (*expired)[0];
  EXPECT_EQ(p.request_id, "req-1");
  EXPECT_EQ(p.owner, "instance-1");
  EXPECT_EQ(p.reservation.token, first->token);
  EXPECT_EQ(p.reservation.expires, kNow + absl::Minutes(4));
  EXPECT_EQ(store_->Release(p.reservation).value_or(false), true);
  EXPECT_EQ(Held().clients, 0);
  EXPECT_EQ(Held().minutes, 0);
  EXPECT_TRUE(store_->ExpiredReservations(kNow + absl::Hours(1))->empty());
  // Given back once only.
  EXPECT_EQ(store_->Release(p.reservation).value_or(true), false);
}

TEST_F(ReservationStoreTest, AReleaseRestoresTheSlotTheClientHeldBefore) {
  // The client holds a slot up to 2025-03-20, 300 minutes: day 20167 after
  // 1970-01-01 (55 years with 14 leap days = 20089 days to 2025-01-01, then
  // 31 + 28 + 19), after kFrom, so it keeps that slot.
  ASSERT_TRUE(
      redis_
          ->Pipeline(
              {{"ZADD", absl::StrCat(prefix_, ":slots:", kProvider, ":", kZone),
                "20167", "cli-a"},
               {"HSET",
                absl::StrCat(prefix_, ":slot-minutes:", kProvider, ":", kZone),
                "cli-a", "300"}})
          .ok());
  absl::StatusOr<Reservation> r = Take(
      "cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-1", 2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Score("cli-a"), std::to_string(kOpenEnded));
  EXPECT_EQ(store_->Release(*r).value_or(false), true);
  EXPECT_EQ(Score("cli-a"), "20167");
  EXPECT_EQ(Held().minutes, 300);
}

TEST_F(ReservationStoreTest, AnAppliedAssignmentSettlesThePendingSlot) {
  absl::StatusOr<Reservation> r = Take(
      "cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-1", 2));
  ASSERT_TRUE(r.ok()) << r.status();
  v1::ChoiceEvent registered;
  registered.set_aggregate_id("cli-a");
  registered.set_aggregate_version(1);
  registered.mutable_client_registered()->set_client_id("cli-a");
  registered.mutable_client_registered()->set_zone_id(kZone);
  v1::ChoiceEvent decided;
  decided.set_aggregate_id("cli-a");
  decided.set_aggregate_version(2);
  v1::Decision* d = decided.mutable_decision_registered()->mutable_decision();
  d->set_decision_id("dec-1");
  d->set_valid_from("2025-03-01");
  d->add_categories()->set_category_id("home-help-service");
  d->mutable_categories(0)->set_minutes_per_month(600);
  v1::ChoiceEvent started;
  started.set_aggregate_id("cli-a");
  started.set_aggregate_version(3);
  started.set_request_id("req-1");
  v1::Assignment* a =
      started.mutable_assignment_started()->mutable_assignment();
  a->set_assignment_id("asg-1");
  a->set_client_id("cli-a");
  a->set_provider_id(kProvider);
  a->set_zone_id(kZone);
  a->add_category_ids("home-help-service");
  a->set_valid_from("2025-03-10");
  for (const auto* e : {&registered, &decided, &started}) {
    ASSERT_TRUE(store_->Apply(*e).ok());
  }

  EXPECT_TRUE(store_->ExpiredReservations(kNow + absl::Hours(1))->empty());
  EXPECT_EQ(store_->Release(*r).value_or(true), false);
  EXPECT_EQ(Score("cli-a"), std::to_string(kOpenEnded));
  EXPECT_EQ(Held().minutes, 600);
}

TEST_F(ReservationStoreTest, AnOrphanIsGivenBackOnceTheProjectionPassedIt) {
  ASSERT_TRUE(
      Take("cli-a", {.max_clients = 1, .max_minutes = -1}, 600, Tag("req-1", 2))
          .ok());
  FakeTopicEnd end;
  end.end_ = {{0, 5}};
  RedisOffsetStore applied(redis_.get(),
                           ProjectionOffsetsKey(prefix_, "state"));
  FixedClock clock(kNow + absl::Minutes(3));
  ReservationResolver resolver(&*store_, &end, &applied, "lov.choice.v1",
                               &clock, absl::ZeroDuration());
  ASSERT_TRUE(applied.Save("lov.choice.v1", 0, 4).ok());
  EXPECT_FALSE(resolver.Resolve().ok());
  EXPECT_EQ(Held().clients, 1);

  ASSERT_TRUE(applied.Save("lov.choice.v1", 0, 5).ok());
  EXPECT_EQ(resolver.Resolve().value_or(-1), 1);
  EXPECT_EQ(Held().clients, 0);
  EXPECT_TRUE(store_->ExpiredReservations(kNow + absl::Hours(1))->empty());
}

}  // namespace
}  // namespace lov::choice
