// Capacity slots taken before the assignment event is published: pending
// until an event settles them, given back at once when the publish
// definitely failed, and given back after their expiry only once the state
// projection has read the choice topic past them (ReservationResolver).
// Omsorgshuset takes one client in the north.
#include <string>

#include "gtest/gtest.h"
#include "lov/choice/app/reservation_resolver.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;

class ReservationTest : public ChoiceAppTest {
 protected:
  void SetUp() override {
    ChoiceAppTest::SetUp();
    app_.set_read_back(absl::ZeroDuration());
    tolvan_ = ClientWithDecision("tolvan", kTolvan);
    anna_ = ClientWithDecision("anna", kAnna);
  }

  // The next publish times out after the broker may have stored it;
  // `stored`: it did.
  void PublishTimesOut(bool stored) {
    publisher_.fail_with_ = absl::DeadlineExceededError("no delivery report");
    publisher_.reaches_log_anyway_ = stored;
  }
  void BrokerBack() {
    publisher_.fail_with_ = absl::OkStatus();
    publisher_.reaches_log_anyway_ = false;
  }

  // The state projection applies every event in the log (one partition)
  // and has read it to its end.
  void ProjectionReadsTheLog() {
    for (const v1::ChoiceEvent& e : publisher_.events_) {
      ASSERT_TRUE(store_.Apply(e).ok());
    }
    const int64_t end = static_cast<int64_t>(publisher_.events_.size());
    topic_end_.end_ = {{0, end}};
    applied_.next_ = {{0, end}};
  }

  bool TolvansSlotPending() {
    return store_.Pending(kOmsorgshuset, "north", tolvan_);
  }
  int SlotsTaken() { return store_.SlotsTaken(kOmsorgshuset, "north", kToday); }

  std::string tolvan_;
  std::string anna_;
  FakeTopicEnd topic_end_;
  FakeOffsetStore applied_;
  // Looks at the projection once, without waiting.
  ReservationResolver resolver_{&store_,   &topic_end_,
                                &applied_, FakeOffsetStore::kTopic,
                                &clock_,   absl::ZeroDuration()};
};

TEST_F(ReservationTest, AnUnknownOutcomeKeepsTheSlotPendingAndCounted) {
  PublishTimesOut(/*stored=*/false);
  EXPECT_TRUE(IsError(Choose("choose-t", tolvan_, kOmsorgshuset).status(),
                      absl::StatusCode::kDeadlineExceeded,
                      {"outcome is unknown", "no delivery report"}));
  EXPECT_TRUE(TolvansSlotPending());
  EXPECT_EQ(SlotsTaken(), 1);

  // The one place is held while Tolvan's choice may exist.
  BrokerBack();
  EXPECT_TRUE(IsError(Choose("choose-a", anna_, kOmsorgshuset).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not eligible", "at capacity cap 1"}));
  EXPECT_EQ(SlotsTaken(), 1);
}

TEST_F(ReservationTest, ADefiniteFailureGivesTheSlotBackAtOnce) {
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(IsError(Choose("choose-t", tolvan_, kOmsorgshuset).status(),
                      absl::StatusCode::kUnavailable, {"not stored"}));
  EXPECT_FALSE(TolvansSlotPending());
  EXPECT_EQ(SlotsTaken(), 0);

  BrokerBack();
  EXPECT_TRUE(Choose("choose-a", anna_, kOmsorgshuset).ok());
  EXPECT_EQ(SlotsTaken(), 1);
}

TEST_F(ReservationTest, AnAppliedEventSettlesTheSlotSoItStaysAfterItsExpiry) {
  PublishTimesOut(/*stored=*/true);
  EXPECT_TRUE(IsError(Choose("choose-t", tolvan_, kOmsorgshuset).status(),
                      absl::StatusCode::kDeadlineExceeded, {}));
  BrokerBack();
  ProjectionReadsTheLog();
  EXPECT_FALSE(TolvansSlotPending());

  clock_.now_ += kReservationExpiry + absl::Seconds(1);
  absl::StatusOr<int> released = resolver_.Resolve();
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(*released, 0);
  EXPECT_EQ(SlotsTaken(), 1);
  ASSERT_EQ(ClientNow(tolvan_).assignments_size(), 1);
  EXPECT_EQ(ClientNow(tolvan_).assignments(0).provider_id(), kOmsorgshuset);
}

TEST_F(ReservationTest,
       ASlotWhoseEventNeverCameIsFreedOnceTheProjectionPassedIt) {
  PublishTimesOut(/*stored=*/false);
  EXPECT_FALSE(Choose("choose-t", tolvan_, kOmsorgshuset).ok());
  BrokerBack();
  topic_end_.end_ = {{0, 4}, {1, 0}};
  applied_.next_ = {{0, 3}};

  // Not expired: the publish may still be under way.
  clock_.now_ += kReservationExpiry - absl::Seconds(1);
  EXPECT_EQ(resolver_.Resolve().value_or(-1), 0);
  EXPECT_TRUE(TolvansSlotPending());

  // Expired, but the projection has not applied offset 3 of partition 0:
  // that could be Tolvan's assignment.
  clock_.now_ += absl::Seconds(1);
  EXPECT_TRUE(IsError(resolver_.Resolve().status(),
                      absl::StatusCode::kUnavailable,
                      {"stay pending", "not yet applied the choice topic"}));
  EXPECT_EQ(SlotsTaken(), 1);

  // It has (partition 1 is empty): the event does not exist.
  applied_.next_ = {{0, 4}};
  EXPECT_EQ(resolver_.Resolve().value_or(-1), 1);
  EXPECT_FALSE(TolvansSlotPending());
  EXPECT_EQ(SlotsTaken(), 0);
  EXPECT_EQ(ClientNow(tolvan_).assignments_size(), 0);
  EXPECT_TRUE(Choose("choose-a", anna_, kOmsorgshuset).ok());
}

TEST_F(ReservationTest, AFailedRetryKeepsTheSlotOfTheAttemptInDoubt) {
  PublishTimesOut(/*stored=*/false);
  EXPECT_FALSE(Choose("choose-t", tolvan_, kOmsorgshuset).ok());
  // The retry is definitely not stored, but the first attempt may be.
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(IsError(Choose("choose-t", tolvan_, kOmsorgshuset).status(),
                      absl::StatusCode::kUnavailable, {"not stored"}));
  EXPECT_TRUE(TolvansSlotPending());
  EXPECT_EQ(SlotsTaken(), 1);
}

TEST_F(ReservationTest, ARetryThatGoesThroughSettlesTheSlot) {
  PublishTimesOut(/*stored=*/false);
  EXPECT_FALSE(Choose("choose-t", tolvan_, kOmsorgshuset).ok());
  BrokerBack();
  absl::StatusOr<v1::ChooseResponse> retry =
      Choose("choose-t", tolvan_, kOmsorgshuset);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->started_size(), 1);
  EXPECT_FALSE(TolvansSlotPending());
  EXPECT_EQ(SlotsTaken(), 1);
}

}  // namespace
}  // namespace lov::choice
