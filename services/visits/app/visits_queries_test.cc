// The review of exceptions and the visits queries on memory (fixture and
// fakes in visits_app_test_support.h).
#include "lov/visits/app/visits_app_test_support.h"

namespace lov::visits {
namespace {

using namespace ::lov::visits::test_support;  // NOLINT: fixture, fakes

// 22:00-22:30 in Stockholm on 2025-03-18: outside the hours of home help.
v1::VisitReport LateVisit() {
  return HomeHelpVisit("late", "c2", "s3", Utc(2025, 3, 18, 21, 0), 30);
}

class VisitsReviewTest : public VisitsAppTest {
 protected:
  void SetUp() override {
    VisitsAppTest::SetUp();
    absl::StatusOr<v1::ReportOutcome> late = Report(LateVisit());
    ASSERT_EQ(late->outcome(), v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
  }

  v1::ListExceptionsResponse Exceptions(bool include_reviewed) {
    v1::ListExceptionsRequest r;
    r.set_provider_id(kProvider);
    r.set_include_reviewed(include_reviewed);
    return app_.ListExceptions(r).value();
  }
};

// ------------------------------------------------------------ review

TEST_F(VisitsReviewTest, ExceptionsAwaitReviewUntilReviewedOnce) {
  v1::ListExceptionsResponse waiting = Exceptions(false);
  ASSERT_EQ(waiting.entries_size(), 1);
  EXPECT_EQ(waiting.entries(0).visit().report_id(), "late");
  EXPECT_EQ(waiting.entries(0).exceptions(0).code(), "OUTSIDE_HOURS");

  absl::StatusOr<v1::ExceptionEntry> reviewed =
      app_.ReviewExceptions(AcceptedReviewOf("review-1", "late"));
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  EXPECT_EQ(reviewed->review().outcome(), v1::REVIEW_OUTCOME_ACCEPTED);
  EXPECT_THAT(reviewed->review().codes(), ElementsAre("OUTSIDE_HOURS"));
  EXPECT_EQ(reviewed->review().visit_version(), 1);
  EXPECT_EQ(reviewed->review().reviewed_by(), "controller-7");
  ASSERT_EQ(publisher_.events_.size(), 2u);
  EXPECT_EQ(publisher_.events_[1].aggregate_version(), 2);
  EXPECT_EQ(publisher_.events_[1].request_id(), "review-1");
  EXPECT_THAT(store_.locked_visits_, ElementsAre(VisitOf("late")));

  // A retry answers the same; a second review is refused.
  absl::StatusOr<v1::ExceptionEntry> retry =
      app_.ReviewExceptions(AcceptedReviewOf("review-1", "late"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->review().reviewed_by(), "controller-7");
  EXPECT_EQ(publisher_.events_.size(), 2u);
  EXPECT_TRUE(IsError(
      app_.ReviewExceptions(AcceptedReviewOf("review-2", "late")).status(),
      absl::StatusCode::kFailedPrecondition,
      {"already reviewed by controller-7 (ACCEPTED)"}));

  EXPECT_EQ(Exceptions(false).entries_size(), 0);
  v1::ListExceptionsResponse all = Exceptions(true);
  ASSERT_EQ(all.entries_size(), 1);
  EXPECT_EQ(all.entries(0).review().note(),
            "evening visit agreed with the client");
}

TEST_F(VisitsReviewTest, ACorrectedVersionAwaitsAReviewOfItsOwn) {
  ASSERT_TRUE(app_.ReviewExceptions(AcceptedReviewOf("review-1", "late")).ok());
  ASSERT_TRUE(app_
                  .CorrectVisit(CorrectionOf(
                      "fix-1", HomeHelpVisit("late", "c2", "s3",
                                             Utc(2025, 3, 18, 20, 30), 40)))
                  .ok());
  v1::ListExceptionsResponse waiting = Exceptions(false);
  ASSERT_EQ(waiting.entries_size(), 1);
  EXPECT_EQ(waiting.entries(0).visit().version(), 2);
  EXPECT_FALSE(waiting.entries(0).has_review());
}

TEST_F(VisitsReviewTest, ReviewRequestsNameWhatIsMissingOrWrong) {
  v1::ReviewExceptionsRequest review = AcceptedReviewOf("review-1", "late");
  review.set_outcome(v1::REVIEW_OUTCOME_UNSPECIFIED);
  EXPECT_TRUE(IsError(app_.ReviewExceptions(review).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"outcome: ACCEPTED or QUERIED is required"}));
  review.set_outcome(v1::REVIEW_OUTCOME_QUERIED);
  review.set_note("");
  EXPECT_TRUE(IsError(app_.ReviewExceptions(review).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"note: say what is queried with the provider"}));
  review.set_note("asked about " + ::lov::testing::TestPersonnummer(1));
  EXPECT_TRUE(IsError(app_.ReviewExceptions(review).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"note: must not contain a personal identity number"}));
  review.set_note("was it?");
  review.set_reviewed_by("");
  EXPECT_TRUE(IsError(app_.ReviewExceptions(review).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reviewed_by: is required"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(VisitsReviewTest, VisitWithoutExceptionsHasNothingToReview) {
  ASSERT_TRUE(Report(HomeHelpVisit("good", "c1", "s1", kNine, 45)).ok());
  EXPECT_TRUE(IsError(
      app_.ReviewExceptions(AcceptedReviewOf("review-1", "good")).status(),
      absl::StatusCode::kFailedPrecondition,
      {"visit ", VisitOf("good"), " version 1 has no exceptions to review"}));
}

// ------------------------------------------------------------ queries

class VisitsDeviationsTest : public VisitsAppTest {
 protected:
  std::vector<std::string> DeviatingClients(
      const v1::ListDeviationsRequest& request) {
    absl::StatusOr<v1::ListDeviationsResponse> rows =
        app_.ListDeviations(request);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> clients;
    for (const auto& r : rows->rows()) clients.push_back(r.client_id());
    return clients;
  }
};

TEST_F(VisitsAppTest, RejectionsAreListedByTheReportsStart) {
  app_.Ingest(
      {HomeHelpVisit("late", "c-unknown", "s5", kNine + absl::Hours(2), 30),
       HomeHelpVisit("early", "c-unknown", "s6", kNine, 30)});
  v1::ListRejectedRequest list;
  list.set_provider_id(kProvider);
  list.set_period("2025-03");
  absl::StatusOr<v1::ListRejectedResponse> rejected = app_.ListRejected(list);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  ASSERT_EQ(rejected->rejected_size(), 2);
  EXPECT_EQ(rejected->rejected(0).report_id(), "early");
  EXPECT_EQ(rejected->rejected(0).reason_code(), "UNKNOWN_CLIENT");
  EXPECT_EQ(rejected->rejected(1).report_id(), "late");
  list.set_period("2025-3");
  EXPECT_TRUE(IsError(app_.ListRejected(list).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"period: must be YYYY-MM"}));
}

TEST_F(VisitsAppTest, GetVisitOfAnUnknownReportIsNotFound) {
  EXPECT_TRUE(IsError(Visit("nope").status(), absl::StatusCode::kNotFound,
                      {"report_id: no visit", VisitOf("nope")}));
  v1::GetVisitRequest no_provider;
  no_provider.set_report_id("nope");
  EXPECT_TRUE(IsError(app_.GetVisit(no_provider).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"provider_id: is required"}));
}

TEST_F(VisitsAppTest, PerformedAgainstGrantedPerClientAndPerProvider) {
  AssignToProvider("c1", kOtherProvider);
  ASSERT_TRUE(Report(HomeHelpVisit("good", "c1", "s1", kNine, 45)).ok());
  v1::VisitReport other =
      HomeHelpVisit("other", "c1", "s9", kNine + absl::Hours(2), 30);
  other.set_provider_id(kOtherProvider);
  ASSERT_EQ(Report(other)->outcome(), v1::OUTCOME_ACCEPTED);

  // The client's view: every provider's time, 75 of 600 minutes.
  const v1::PerformedVsGranted row = HomeHelpRow("c1", "2025-03");
  EXPECT_EQ(row.granted_minutes(), 600);
  EXPECT_EQ(row.performed_minutes(), 75);
  EXPECT_EQ(row.visits(), 2);
  EXPECT_DOUBLE_EQ(row.deviation_percent(), -87.5);  // (75 - 600) / 600

  // The provider's view: its own time, for each of its clients.
  v1::GetPerformedVsGrantedRequest by_provider;
  by_provider.set_provider_id(kProvider);
  by_provider.set_period("2025-03");
  absl::StatusOr<v1::GetPerformedVsGrantedResponse> rows =
      app_.GetPerformedVsGranted(by_provider);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->rows_size(), 1);
  EXPECT_EQ(rows->rows(0).client_id(), "c1");
  EXPECT_EQ(rows->rows(0).performed_minutes(), 45);

  by_provider.set_client_id("c1");
  EXPECT_TRUE(IsError(app_.GetPerformedVsGranted(by_provider).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"client_id, provider_id: exactly one is required"}));
}

TEST_F(VisitsDeviationsTest, ClientsAtOrAboveTheThreshold) {
  GrantHomeHelp("c3");  // granted, nothing performed: -100 %
  ASSERT_TRUE(Report(HomeHelpVisit("c1-visit", "c1", "s1", kNine, 45)).ok());
  ASSERT_TRUE(Report(HomeHelpVisit("c2-visit", "c2", "s2", kNine, 30)).ok());
  // c1: (45 - 600) / 600 = -92.5 %; c2: (30 - 600) / 600 = -95 %.
  v1::ListDeviationsRequest request;
  request.set_period("2025-03");
  request.set_threshold_percent(95);
  EXPECT_THAT(DeviatingClients(request), ElementsAre("c2", "c3"));

  // A provider's clients are those it has visited.
  request.set_provider_id(kProvider);
  EXPECT_THAT(DeviatingClients(request), ElementsAre("c2"));
}

TEST_F(VisitsAppTest, ClientContextShowsWhatReportsAreCheckedAgainst) {
  store_.LockPeriod(kProvider, "2025-02");
  v1::GetClientContextRequest request;
  request.set_client_id("c1");
  request.set_provider_id(kProvider);
  absl::StatusOr<v1::GetClientContextResponse> context =
      app_.GetClientContext(request);
  ASSERT_TRUE(context.ok()) << context.status();
  ASSERT_EQ(context->assignments_size(), 1);
  EXPECT_EQ(context->assignments(0).zone_id(), "north");
  EXPECT_THAT(context->assignments(0).category_ids(), ElementsAre(kHomeHelp));
  ASSERT_EQ(context->granted_size(), 1);
  EXPECT_EQ(context->granted(0).minutes_per_month(), 600);
  EXPECT_TRUE(context->municipality_known());
  EXPECT_THAT(context->locked_periods(), ElementsAre("2025-02"));

  // Without a provider: no provider's settled months.
  request.clear_provider_id();
  context = app_.GetClientContext(request);
  ASSERT_TRUE(context.ok()) << context.status();
  EXPECT_THAT(context->locked_periods(), IsEmpty());
  request.clear_client_id();
  EXPECT_TRUE(IsError(app_.GetClientContext(request).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"client_id: is required"}));
}

}  // namespace
}  // namespace lov::visits
