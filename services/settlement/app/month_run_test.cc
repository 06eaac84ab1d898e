// The month-end run on the fakes of settlement_app_test_support.h:
// PreviewMonth over every provider, GetMonthRun's overview, ApproveMonth as
// a batch with four eyes, a changed provider refused by name, retries and a
// rebuild from the events. Amounts are worked by hand from the January 2024
// rates of domain/test_rates.h.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/requests.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using test_support::JanuaryVisit;
using test_support::kOtherProvider;
using test_support::kProvider;
using test_support::Payload;
using test_support::PayloadsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// prv-a as in SetUpJanuary: 1 032.00 + 615.00 + VAT 153.75 = 1 800.75 kr.
constexpr int64_t kProviderTotal = 180075;
// prv-b: personal care Wed 24 Jan 09:00-10:00, 1 h x 516 kr = 516.00 kr.
constexpr int64_t kOtherTotal = 51600;

std::vector<std::string> ProvidersOf(
    const google::protobuf::RepeatedPtrField<v1::MonthRunProvider>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.provider_id());
  return out;
}

class MonthRunTest : public test_support::SettlementAppFixture {
 protected:
  void SetUpTwoProviders() {
    SetUpJanuary();
    ASSERT_TRUE(store_.SetProviderKind(kOtherProvider, false).ok());
    ASSERT_TRUE(store_
                    .PutVisit(JanuaryVisit(
                        kOtherProvider, "v-b1", "personal-care",
                        "2024-01-24T08:00:00Z", "2024-01-24T09:00:00Z"))
                    .ok());
    publisher_.events_.clear();
  }

  absl::StatusOr<v1::MonthRun> PrepareAs(
      const std::string& who, const std::string& period = "2024-01") {
    v1::PreviewMonthRequest r;
    r.set_period(period);
    r.set_prepared_by(who);
    return app_.PreviewMonth(r);
  }

  static v1::ApproveMonthRequest ApprovalAs(
      const std::string& who, const v1::MonthRun& run,
      const std::string& request_id = "month-approval-1") {
    v1::ApproveMonthRequest r;
    r.set_period(run.period());
    r.set_expected_run_digest(run.run_digest());
    r.set_approved_by(who);
    r.set_request_id(request_id);
    return r;
  }

  absl::StatusOr<v1::MonthRun> Status(const std::string& period = "2024-01") {
    v1::GetMonthRunRequest r;
    r.set_period(period);
    return app_.GetMonthRun(r);
  }
};

TEST_F(MonthRunTest, PreviewMonthRecordsEveryProviderAndWhoPreparedIt) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->prepared_by(), "finance-a");
  EXPECT_THAT(ProvidersOf(run->providers()),
              ElementsAre(kProvider, kOtherProvider));
  // Each preview is the single statement's, digest and all.
  absl::StatusOr<v1::Statement> a = Preview(kProvider, "2024-01");
  absl::StatusOr<v1::Statement> b = Preview(kOtherProvider, "2024-01");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(run->providers(0).digest(), a->digest());
  EXPECT_EQ(run->providers(0).total_ore(), kProviderTotal);
  EXPECT_EQ(run->providers(1).digest(), b->digest());
  EXPECT_EQ(run->providers(1).total_ore(), kOtherTotal);
  EXPECT_EQ(run->total_ore(), kProviderTotal + kOtherTotal);  // 2 316.75 kr
  EXPECT_EQ(run->vat_ore(), 15375);
  EXPECT_FALSE(run->run_digest().empty());
  EXPECT_THAT(PayloadsOf(publisher_.events_),
              ElementsAre(Payload::kMonthRunPrepared));
  EXPECT_EQ(publisher_.events_[0].aggregate_id(), "month-run/2024-01");

  // Prepared again with nothing changed: the same run, no event.
  absl::StatusOr<v1::MonthRun> again = PrepareAs("finance-a");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run_digest(), run->run_digest());
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(MonthRunTest, ThePreparerMayNotApproveTheRun) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  publisher_.events_.clear();
  EXPECT_TRUE(IsError(app_.ApproveMonth(ApprovalAs("finance-a", *run)).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"four eyes", "finance-a prepared"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
  EXPECT_FALSE(*store_.IsApproved(kProvider, "2024-01"));
  EXPECT_FALSE(*store_.IsApproved(kOtherProvider, "2024-01"));
}

TEST_F(MonthRunTest, AnotherFinanceUserApprovesTheBatch) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> approval =
      app_.ApproveMonth(ApprovalAs("finance-b", *run));
  ASSERT_TRUE(approval.ok()) << approval.status();
  EXPECT_EQ(approval->approved_by(), "finance-b");
  EXPECT_THAT(ProvidersOf(approval->approved()),
              ElementsAre(kProvider, kOtherProvider));
  EXPECT_THAT(approval->refused(), IsEmpty());
  EXPECT_EQ(approval->approved_total_ore(), kProviderTotal + kOtherTotal);

  // Each statement approved as a single approval would, by finance-b.
  absl::StatusOr<std::optional<v1::Statement>> a =
      store_.Approved(kProvider, "2024-01");
  absl::StatusOr<std::optional<v1::Statement>> b =
      store_.Approved(kOtherProvider, "2024-01");
  ASSERT_TRUE(a.ok() && a->has_value() && b.ok() && b->has_value());
  EXPECT_EQ((*a)->total_ore(), kProviderTotal);
  EXPECT_EQ((*b)->total_ore(), kOtherTotal);
  EXPECT_EQ((*a)->approved_by(), "finance-b");
  EXPECT_EQ((*a)->digest(), run->providers(0).digest());
  ASSERT_FALSE(publisher_.events_.empty());
  EXPECT_EQ(publisher_.events_.back().payload_case(),
            Payload::kMonthRunApproved);
  int approvals = 0;
  for (const auto& e : publisher_.events_) {
    approvals += e.has_statement_approved() ? 1 : 0;
  }
  EXPECT_EQ(approvals, 2);

  absl::StatusOr<v1::MonthRun> status = Status();
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->providers_size(), 2);
  EXPECT_EQ(status->providers(0).state(), v1::MONTH_RUN_STATE_APPROVED);
  EXPECT_EQ(status->providers(1).state(), v1::MONTH_RUN_STATE_APPROVED);
  EXPECT_EQ(status->approved_total_ore(), kProviderTotal + kOtherTotal);
  EXPECT_EQ(status->approval().approved_by(), "finance-b");
}

TEST_F(MonthRunTest, AProviderChangedSinceThePreviewIsRefusedByName) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  // A late report for prv-b: Thu 25 Jan 09:00-09:30, 258.00 kr more.
  ASSERT_TRUE(store_
                  .PutVisit(JanuaryVisit(
                      kOtherProvider, "v-b2", "personal-care",
                      "2024-01-25T08:00:00Z", "2024-01-25T08:30:00Z"))
                  .ok());
  absl::StatusOr<v1::MonthRun> status = Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->providers(0).state(), v1::MONTH_RUN_STATE_PREVIEWED);
  EXPECT_EQ(status->providers(1).state(), v1::MONTH_RUN_STATE_CHANGED);
  EXPECT_EQ(status->providers(1).current_total_ore(), kOtherTotal + 25800);
  EXPECT_EQ(status->total_ore(), kProviderTotal + kOtherTotal);

  absl::StatusOr<v1::MonthRunApproval> approval =
      app_.ApproveMonth(ApprovalAs("finance-b", *run));
  ASSERT_TRUE(approval.ok()) << approval.status();
  EXPECT_THAT(ProvidersOf(approval->approved()), ElementsAre(kProvider));
  EXPECT_THAT(ProvidersOf(approval->refused()), ElementsAre(kOtherProvider));
  EXPECT_THAT(approval->refused(0).problem(),
              HasSubstr("prv-b: expected_digest: the statement changed"));
  EXPECT_EQ(approval->approved_total_ore(), kProviderTotal);
  EXPECT_TRUE(*store_.IsApproved(kProvider, "2024-01"));
  EXPECT_FALSE(*store_.IsApproved(kOtherProvider, "2024-01"));

  // The same request again answers the first outcome and publishes nothing.
  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> retry =
      app_.ApproveMonth(ApprovalAs("finance-b", *run));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), approval->SerializeAsString());
  EXPECT_THAT(publisher_.events_, IsEmpty());

  // Prepared again, the rest is approved: 516.00 + 258.00 kr.
  absl::StatusOr<v1::MonthRun> next = PrepareAs("finance-a");
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->run_digest(), run->run_digest());
  absl::StatusOr<v1::MonthRunApproval> rest =
      app_.ApproveMonth(ApprovalAs("finance-b", *next, "month-approval-2"));
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_THAT(ProvidersOf(rest->approved()),
              ElementsAre(kProvider, kOtherProvider));
  EXPECT_EQ(rest->approved_total_ore(), kProviderTotal + kOtherTotal + 25800);
}

TEST_F(MonthRunTest, OnlyTheCurrentRunCanBeApproved) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> by_a = PrepareAs("finance-a");
  absl::StatusOr<v1::MonthRun> by_b = PrepareAs("finance-b");
  ASSERT_TRUE(by_a.ok() && by_b.ok());
  EXPECT_NE(by_a->run_digest(), by_b->run_digest());
  EXPECT_TRUE(
      IsError(app_.ApproveMonth(ApprovalAs("finance-c", *by_a)).status(),
              absl::StatusCode::kFailedPrecondition,
              {"is not the current month-end run of 2024-01"}));
  // finance-b prepared the current run, so finance-a may approve it.
  EXPECT_TRUE(
      IsError(app_.ApproveMonth(ApprovalAs("finance-b", *by_b)).status(),
              absl::StatusCode::kFailedPrecondition, {"four eyes"}));
  EXPECT_TRUE(app_.ApproveMonth(ApprovalAs("finance-a", *by_b, "r-2")).ok());
}

TEST_F(MonthRunTest, AMonthThatHasNotEndedIsNotApproved) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a", "2024-02");
  ASSERT_TRUE(run.ok());
  EXPECT_THAT(run->providers(), IsEmpty());
  EXPECT_TRUE(IsError(app_.ApproveMonth(ApprovalAs("finance-b", *run)).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"2024-02 has not ended yet"}));
}

TEST_F(MonthRunTest, RequestsNameWhatIsMissing) {
  SetUpTwoProviders();
  EXPECT_TRUE(IsError(Status().status(), absl::StatusCode::kNotFound,
                      {"no month-end run was prepared for 2024-01"}));
  EXPECT_TRUE(IsError(PrepareAs("").status(),
                      absl::StatusCode::kInvalidArgument, {"prepared_by"}));
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  v1::ApproveMonthRequest no_digest = ApprovalAs("finance-b", *run);
  no_digest.clear_expected_run_digest();
  EXPECT_TRUE(IsError(app_.ApproveMonth(no_digest).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"expected_run_digest: is required"}));
  v1::ApproveMonthRequest no_id = ApprovalAs("finance-b", *run);
  no_id.clear_request_id();
  EXPECT_TRUE(IsError(app_.ApproveMonth(no_id).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"request_id: is required"}));
}

// Two requests approving the same run: the second is refused, and a retry
// of the first answers the first's record, also when another approval of
// the run reaches the state after it (two replicas racing).
TEST_F(MonthRunTest, ARetryAnswersItsOwnApprovalNeverAnothers) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> first =
      app_.ApproveMonth(ApprovalAs("finance-b", *run, "req-first"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(publisher_.events_.empty());
  const v1::SettlementEvent first_event = publisher_.events_.back();
  ASSERT_TRUE(first_event.has_month_run_approved());

  absl::StatusOr<v1::MonthRunApproval> second =
      app_.ApproveMonth(ApprovalAs("finance-c", *run, "req-second"));
  EXPECT_TRUE(IsError(second.status(), absl::StatusCode::kFailedPrecondition,
                      {"expected_run_digest", "already approved by finance-b",
                       "another request_id"}));

  // Another replica's approval of the run reaching the state later.
  v1::SettlementEvent other = first_event;
  other.set_event_id("other-replica-approval");
  other.set_request_id("req-second");
  other.set_aggregate_version(first_event.aggregate_version() + 1);
  other.mutable_month_run_approved()->mutable_approval()->set_approved_by(
      "finance-c");
  ASSERT_TRUE(Projector(&store_).ApplySettlementEvent(other).ok());

  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> retry =
      app_.ApproveMonth(ApprovalAs("finance-b", *run, "req-first"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->approved_by(), "finance-b");
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_THAT(publisher_.events_, IsEmpty());
  absl::StatusOr<v1::MonthRun> status = Status();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->approval().approved_by(), "finance-b");
}

// Two replicas raced and both published: the run keeps the first
// approval. The losing request's retry is not answered with the winner's
// record (that would tell finance-c that its own approval stands): it is
// refused, naming the approval kept, and approves nothing again. The
// winner's retry still answers its own record, which names its request.
TEST_F(MonthRunTest, TheLosingRequestsRetryIsNotAnsweredTheWinnersRecord) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> first =
      app_.ApproveMonth(ApprovalAs("finance-b", *run, "req-first"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->request_id(), "req-first");
  ASSERT_FALSE(publisher_.events_.empty());
  const v1::SettlementEvent first_event = publisher_.events_.back();
  ASSERT_TRUE(first_event.has_month_run_approved());

  // The other replica's approval, by request req-second, reaches the log
  // and the state after the first.
  const v1::ApproveMonthRequest losing =
      ApprovalAs("finance-c", *run, "req-second");
  v1::SettlementEvent other = first_event;
  other.set_event_id("other-replica-approval");
  other.set_request_id("req-second");
  other.set_request_fingerprint(RequestFingerprint(losing));
  other.set_aggregate_version(first_event.aggregate_version() + 1);
  v1::MonthRunApproval* theirs =
      other.mutable_month_run_approved()->mutable_approval();
  theirs->set_approved_by("finance-c");
  theirs->set_request_id("req-second");
  ASSERT_TRUE(Projector(&store_).ApplySettlementEvent(other).ok());

  publisher_.events_.clear();
  absl::StatusOr<v1::MonthRunApproval> losing_retry = app_.ApproveMonth(losing);
  EXPECT_TRUE(IsError(losing_retry.status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"already approved by finance-b", "another request_id"}))
      << (losing_retry.ok() ? losing_retry->DebugString() : "");
  EXPECT_THAT(publisher_.events_, IsEmpty());

  absl::StatusOr<v1::MonthRunApproval> winning_retry =
      app_.ApproveMonth(ApprovalAs("finance-b", *run, "req-first"));
  ASSERT_TRUE(winning_retry.ok()) << winning_retry.status();
  EXPECT_EQ(winning_retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(winning_retry->request_id(), "req-first");
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

// The run and its approval come back from the events alone.
TEST_F(MonthRunTest, TheRunSurvivesARebuild) {
  SetUpTwoProviders();
  absl::StatusOr<v1::MonthRun> run = PrepareAs("finance-a");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(app_.ApproveMonth(ApprovalAs("finance-b", *run)).ok());
  test_support::FakeSettlementStore rebuilt;
  Projector projector(&rebuilt);
  for (const auto& e : publisher_.log_) {
    ASSERT_TRUE(projector.ApplySettlementEvent(e).ok());
  }
  absl::StatusOr<std::optional<v1::MonthRun>> kept =
      rebuilt.GetMonthRun("2024-01", "");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->run_digest(), run->run_digest());
  EXPECT_EQ((*kept)->prepared_by(), "finance-a");
  EXPECT_EQ((*kept)->approval().approved_by(), "finance-b");
  EXPECT_EQ((*kept)->approval().approved_total_ore(),
            kProviderTotal + kOtherTotal);
}

}  // namespace
}  // namespace lov::settlement
