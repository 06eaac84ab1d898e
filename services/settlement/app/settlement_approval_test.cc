// ApproveStatement under faults, on the fakes of
// settlement_app_test_support.h: retries by request id, a second approval
// of the same statement, unknown outcomes and a state that lags the log.
#include <limits>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using test_support::JanuaryVisit;
using test_support::kOtherProvider;
using test_support::kProvider;
using test_support::PayloadsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class SettlementApprovalTest : public test_support::SettlementAppFixture {};

TEST_F(SettlementApprovalTest, ApprovalNeedsARequestId) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  v1::ApproveStatementRequest anonymous = ApprovalOf(*preview);
  anonymous.clear_request_id();
  EXPECT_TRUE(IsError(app_.ApproveStatement(anonymous).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"request_id: is required"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

// The publish timed out after the broker took the events: the answer is
// "outcome unknown" and the state does not show the approval. The retry
// finds it in the log and answers it; nothing is published twice.
TEST_F(SettlementApprovalTest,
       RetryAfterAnUnknownOutcomeAnswersTheFirstApproval) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  const v1::ApproveStatementRequest approval = ApprovalOf(*preview);
  publisher_.unknown_with_ = absl::DeadlineExceededError("delivery timed out");
  absl::Status first = app_.ApproveStatement(approval).status();
  EXPECT_TRUE(IsError(first, absl::StatusCode::kDeadlineExceeded,
                      {"outcome is unknown"}));
  // Three parts of line sources, two of visit versions, one of the fee
  // basis, the approval.
  ASSERT_EQ(publisher_.events_.size(), 7u);
  EXPECT_FALSE(*store_.IsApproved(kProvider, "2024-01"));

  publisher_.unknown_with_ = absl::OkStatus();
  absl::StatusOr<v1::Statement> retried = app_.ApproveStatement(approval);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(retried->digest(), preview->digest());
  EXPECT_THAT(retried->lines(0).sources(), ElementsAre("v-care@1"));
  EXPECT_EQ(publisher_.events_.size(), 7u) << "published once";
  EXPECT_EQ(own_events_.reads_, 1);
  EXPECT_TRUE(*store_.IsApproved(kProvider, "2024-01"));
  // From now on the state answers: a retry is replayed, the log not read.
  EXPECT_EQ(SerializeDeterministic(*app_.ApproveStatement(approval)),
            SerializeDeterministic(*retried));
  EXPECT_EQ(own_events_.reads_, 1);
  EXPECT_EQ(publisher_.events_.size(), 7u);
}

// Another controller (another request id, maybe another replica) approves
// the statement while the state has not applied the first approval yet
// (its state update failed after the publish): the approval in the log is
// the answer, and nothing is published again.
TEST_F(SettlementApprovalTest,
       SecondApprovalWhileTheStateLagsPublishesNothing) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  store_.fail_put_approved_ = absl::UnavailableError("redis down");
  absl::StatusOr<v1::Statement> first =
      app_.ApproveStatement(ApprovalOf(*preview));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(publisher_.events_.size(), 7u);
  store_.fail_put_approved_ = absl::OkStatus();
  ASSERT_FALSE(*store_.IsApproved(kProvider, "2024-01"));

  absl::StatusOr<v1::Statement> second =
      app_.ApproveStatement(ApprovalOf(*preview));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(SerializeDeterministic(*second), SerializeDeterministic(*first));
  EXPECT_EQ(publisher_.events_.size(), 7u) << "no second StatementApproved";
  EXPECT_EQ(own_events_.reads_, 1);
}

TEST_F(SettlementApprovalTest, SecondApprovalOfAnotherDigestIsRefused) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> approved =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(approved.ok()) << approved.status();
  const size_t published = publisher_.events_.size();
  v1::ApproveStatementRequest other = ApprovalOf(*approved);
  other.set_expected_digest("0123abcd");
  EXPECT_TRUE(IsError(
      app_.ApproveStatement(other).status(),
      absl::StatusCode::kFailedPrecondition,
      {absl::StrCat("expected_digest: statement prv-a/2024-01 is already "
                    "approved with digest ",
                    approved->digest(), ", not 0123abcd")}));
  EXPECT_EQ(publisher_.events_.size(), published);
  EXPECT_EQ(own_events_.reads_, 0) << "the state answered";
}

// An approval whose process died before its publish left its pending
// record: the log has nothing of it, so the next approval goes through.
TEST_F(SettlementApprovalTest, ApprovalThatNeverReachedTheLogIsDecidedAfresh) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  ASSERT_TRUE(
      store_.PutPendingApproval("prv-a/2024-01", {"dead-attempt", "r-dead"})
          .ok());

  absl::StatusOr<v1::Statement> approved =
      app_.ApproveStatement(ApprovalOf(*preview));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(own_events_.reads_, 1);
  EXPECT_EQ(publisher_.events_.size(), 7u);
  EXPECT_TRUE(*store_.IsApproved(kProvider, "2024-01"));
  EXPECT_FALSE(store_.GetPendingApproval("prv-a/2024-01")->has_value());
}

// ------------------------------------------------------------ not stored

TEST_F(SettlementApprovalTest, WhenTheEventLogIsDownNothingIsStored) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  publisher_.events_.clear();
  publisher_.fail_with_ = absl::UnavailableError("broker down");

  v1::RateTable february = testing::January2024();
  february.set_effective_date("2024-02-01");
  absl::Status rates = app_.AddRateTable(AddRates(february)).status();
  EXPECT_TRUE(IsError(rates, absl::StatusCode::kUnavailable,
                      {"the change was not stored (event log unavailable: "
                       "broker down); nothing was changed, retry"}));
  EXPECT_EQ(store_.RateTables()->size(), 1u);

  EXPECT_EQ(app_.CreateOneOffPayment(TransitionSupport()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_THAT(*store_.OneOffs(), IsEmpty());

  EXPECT_EQ(app_.ApproveStatement(ApprovalOf(*preview)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(*store_.IsApproved(kProvider, "2024-01"));
  EXPECT_EQ(store_.SourcesPartsKept("prv-a/2024-01"), 0u);
  EXPECT_THAT(publisher_.events_, IsEmpty());
  // Surely not stored: no pending approval is left to look up in the log.
  EXPECT_FALSE(store_.GetPendingApproval("prv-a/2024-01")->has_value());

  // Once the log is back, the same approval goes through.
  publisher_.fail_with_ = absl::OkStatus();
  EXPECT_TRUE(app_.ApproveStatement(ApprovalOf(*preview)).ok());
  EXPECT_EQ(own_events_.reads_, 0);
}

// ------------------------------------------------------------ queries

}  // namespace
}  // namespace lov::settlement
