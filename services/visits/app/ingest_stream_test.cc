// An upload stream's batches in flight (VisitsApp::IngestStream): the next
// batch is verified and reserved before the one before it is published and
// recorded, and is still decided as if the earlier reports were stored
// (fixture and fakes in visits_app_test_support.h). c1 is granted 600
// minutes a month; past 1.5 times that a visit is flagged FAR_OVER_GRANTED.
#include "lov/visits/app/visits_app_test_support.h"

namespace lov::visits {
namespace {

using namespace ::lov::visits::test_support;  // NOLINT: fixture, fakes

// 880 of c1's minutes in March 2025, in two visits: under 900.
std::vector<v1::VisitReport> LongVisits() {
  return {HomeHelpVisit("long-1", "c1", "s1", Utc(2025, 3, 17, 7, 0), 440),
          HomeHelpVisit("long-2", "c1", "s1", Utc(2025, 3, 18, 7, 0), 440)};
}

// 45 minutes on 2025-03-19: past 900 only with the long visits counted.
v1::VisitReport ShortVisit() {
  return HomeHelpVisit("short", "c1", "s2", Utc(2025, 3, 19, 8, 0), 45);
}

bool FarOverGranted(const v1::ReportOutcome& o) {
  for (const auto& e : o.exceptions()) {
    if (e.code() == "FAR_OVER_GRANTED") return true;
  }
  return false;
}

TEST_F(VisitsAppTest, BatchInFlightCountsTowardTheNextBatchsMonth) {
  VisitsApp::IngestStream stream;
  VisitsApp::Prepared first = app_.PrepareIngest(LongVisits(), &stream);
  VisitsApp::Prepared second = app_.PrepareIngest({ShortVisit()}, &stream);
  // Both reserved, nothing published or recorded yet.
  EXPECT_TRUE(publisher_.events_.empty());
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 0);

  std::vector<v1::ReportOutcome> a = app_.FinishIngest(std::move(first));
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(std::move(second));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(a[1].outcome(), v1::OUTCOME_ACCEPTED);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].outcome(), v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
  EXPECT_TRUE(FarOverGranted(b[0])) << b[0].DebugString();
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 925);
  // Published in report order.
  ASSERT_EQ(publisher_.events_.size(), 3u);
  EXPECT_EQ(publisher_.events_[2].aggregate_id(), VisitOf("short"));
}

TEST_F(VisitsAppTest, BatchesOfOtherStreamsAreNotCountedInFlight) {
  // The peer: the same short visit is not over the limit when the long
  // visits are in another stream's batch that is not yet recorded.
  VisitsApp::IngestStream one, other;
  VisitsApp::Prepared first = app_.PrepareIngest(LongVisits(), &one);
  VisitsApp::Prepared second = app_.PrepareIngest({ShortVisit()}, &other);
  app_.FinishIngest(std::move(first));
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(std::move(second));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(FarOverGranted(b[0]));
}

TEST_F(VisitsAppTest, RecordedBatchIsCountedOnceByTheNextBatch) {
  VisitsApp::IngestStream stream;
  app_.FinishIngest(app_.PrepareIngest(LongVisits(), &stream));
  // 880 recorded + 15: under 900, so the recorded minutes are not counted
  // again from the stream.
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(app_.PrepareIngest(
      {HomeHelpVisit("fits", "c1", "s2", Utc(2025, 3, 19, 8, 0), 15)},
      &stream));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(FarOverGranted(b[0]));
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 895);
}

TEST_F(VisitsAppTest, OverlapWithABatchInFlightIsRejected) {
  VisitsApp::IngestStream stream;
  VisitsApp::Prepared first = app_.PrepareIngest(
      {HomeHelpVisit("good", "c1", "s1", kNine, 45)}, &stream);
  // s1 at c2's from 09:15 while still at c1's (reserved, not recorded).
  VisitsApp::Prepared second = app_.PrepareIngest(
      {HomeHelpVisit("busy", "c2", "s1", kNine + absl::Minutes(15), 20)},
      &stream);
  app_.FinishIngest(std::move(first));
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(std::move(second));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].reason_code(), v1::REASON_CODE_STAFF_DOUBLE_BOOKED);
  EXPECT_EQ(b[0].detail(), absl::StrCat("staff s1 is in visit ",
                                        VisitOf("good"), " at the same time"));
}

TEST_F(VisitsAppTest, BatchAfterAFailedBatchIsDecidedWithoutIt) {
  VisitsApp::IngestStream stream;
  VisitsApp::Prepared first = app_.PrepareIngest(LongVisits(), &stream);
  VisitsApp::Prepared second = app_.PrepareIngest({ShortVisit()}, &stream);
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  std::vector<v1::ReportOutcome> a = app_.FinishIngest(std::move(first));
  publisher_.fail_with_ = absl::OkStatus();
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(std::move(second));

  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].error_code(),
            static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_EQ(a[1].error_code(),
            static_cast<int>(absl::StatusCode::kUnavailable));
  // Verified at first with the long visits in flight; they were not
  // stored, so the short visit is decided again without them.
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].error_code(), 0) << b[0].error_message();
  EXPECT_EQ(b[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(FarOverGranted(b[0]));
  ASSERT_EQ(publisher_.events_.size(), 1u);
  EXPECT_EQ(publisher_.events_[0].aggregate_id(), VisitOf("short"));
  EXPECT_FALSE(publisher_.events_[0].visit_accepted().exceptions_size() > 0);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
  // Only the failed batch's reservations are left, marked for resolution.
  std::vector<std::pair<std::string, std::string>> pending =
      store_.PendingWithOwners().value();
  ASSERT_EQ(pending.size(), 2u);
  for (const auto& [visit, owner] : pending) {
    EXPECT_NE(visit, VisitOf("short"));
  }
}

TEST_F(VisitsAppTest, SameReportInTwoBatchesInFlightIsAnsweredOnce) {
  VisitsApp::IngestStream stream;
  const v1::VisitReport good = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  VisitsApp::Prepared first = app_.PrepareIngest({good}, &stream);
  VisitsApp::Prepared second = app_.PrepareIngest({good}, &stream);
  std::vector<v1::ReportOutcome> a = app_.FinishIngest(std::move(first));
  std::vector<v1::ReportOutcome> b = app_.FinishIngest(std::move(second));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(a[0].replayed());
  EXPECT_EQ(b[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_TRUE(b[0].replayed());
  EXPECT_EQ(publisher_.events_.size(), 1u);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
}

}  // namespace
}  // namespace lov::visits
