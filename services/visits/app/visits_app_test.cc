// The visits write use cases on memory: reports, corrections, voids and the
// reservations of dead instances (fixture and fakes in
// visits_app_test_support.h).
#include "lov/platform/metrics.h"
#include "lov/visits/app/visits_app_test_support.h"

namespace lov::visits {
namespace {

using namespace ::lov::visits::test_support;  // NOLINT: fixture, fakes
using ::testing::Not;

// ------------------------------------------------------------ reports

TEST_F(VisitsAppTest, AcceptedReportIsPublishedWithItsEnvelopeAndRecorded) {
  const v1::VisitReport good = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  absl::StatusOr<v1::ReportOutcome> outcome = Report(good);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(outcome->visit_id(), VisitOf("good"));
  EXPECT_EQ(outcome->period(), "2025-03");
  EXPECT_FALSE(outcome->replayed());

  ASSERT_EQ(publisher_.events_.size(), 1u);
  const v1::VisitEvent& e = publisher_.events_[0];
  EXPECT_EQ(e.aggregate_id(), VisitOf("good"));
  EXPECT_EQ(e.aggregate_version(), 1);
  EXPECT_FALSE(e.event_id().empty());
  EXPECT_EQ(FromProtoTime(e.occurred_at()), clock_.now_);
  EXPECT_EQ(e.request_id(), "");
  EXPECT_EQ(e.request_fingerprint(), Fingerprint(good));
  EXPECT_EQ(e.visit_accepted().visit().assignment_id(),
            absl::StrCat("asg-c1-", kProvider));

  absl::StatusOr<v1::GetVisitResponse> visit = Visit("good");
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(visit->current().version(), 1);
  EXPECT_EQ(visit->first_outcome().outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(visit->history_size(), 1);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
}

// Where an upload's time goes (performance.md, "Ingestion, seventh round"):
// each step of a batch adds its wall time to its own series.
TEST_F(VisitsAppTest, IngestCountsTheWallTimeOfEachStep) {
  auto seconds = [](const char* phase) {
    return metrics::Registry::Default()
        .GetCounter("lov_visits_ingest_seconds_total", "", {{"phase", phase}})
        .value();
  };
  const double published_before = seconds("publish");
  publisher_.delay_ = absl::Milliseconds(30);
  absl::StatusOr<v1::ReportOutcome> outcome =
      Report(HomeHelpVisit("timed", "c1", "s1", kNine, 45));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_GE(seconds("publish") - published_before, 0.03);
  const std::string text = metrics::Registry::Default().Render();
  for (const char* phase :
       {"contexts", "reserve", "await_earlier", "publish", "record"}) {
    EXPECT_THAT(
        text, HasSubstr(absl::StrCat("lov_visits_ingest_seconds_total{phase=\"",
                                     phase, "\"}")));
  }
}

TEST_F(VisitsAppTest, SameReportAgainIsAnsweredWithItsFirstOutcome) {
  const v1::VisitReport good = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  ASSERT_TRUE(Report(good).ok());
  absl::StatusOr<v1::ReportOutcome> again = Report(good);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(again->visit_id(), VisitOf("good"));
  EXPECT_EQ(publisher_.events_.size(), 1u);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
}

TEST_F(VisitsAppTest, SameReportIdWithOtherContentIsADuplicateReport) {
  ASSERT_TRUE(Report(HomeHelpVisit("good", "c1", "s1", kNine, 45)).ok());
  const v1::VisitReport reused = HomeHelpVisit("good", "c1", "s1", kNine, 50);
  absl::StatusOr<v1::ReportOutcome> outcome = Report(reused);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(outcome->reason_code(), v1::REASON_CODE_DUPLICATE_REPORT);
  EXPECT_THAT(
      outcome->detail(),
      HasSubstr("already reported with other content as " + VisitOf("good")));
  // Stored under an id of its own, derived from the content.
  ASSERT_EQ(publisher_.events_.size(), 2u);
  EXPECT_EQ(publisher_.events_[1].aggregate_id(),
            absl::StrCat(VisitOf("good"), "~", Fingerprint(reused)));
  // The first report stands.
  EXPECT_EQ(FromProtoTime(Visit("good")->current().end()),
            kNine + absl::Minutes(45));

  absl::StatusOr<v1::ReportOutcome> again = Report(reused);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->reason_code(), v1::REASON_CODE_DUPLICATE_REPORT);
  EXPECT_EQ(publisher_.events_.size(), 2u);
}

TEST_F(VisitsAppTest, OverlappingVisitsAreRejectedAndHoldNoTime) {
  std::vector<v1::ReportOutcome> out = app_.Ingest({
      HomeHelpVisit("good", "c1", "s1", kNine, 45),
      // c1 again from 09:30 by another staff member.
      HomeHelpVisit("overlap", "c1", "s2", kNine + absl::Minutes(30), 30),
      // s1 at c2's from 09:15 while still at c1's.
      HomeHelpVisit("busy", "c2", "s1", kNine + absl::Minutes(15), 20),
      // s2 at c1's from 09:50: "overlap" (09:30-10:00) was rejected.
      HomeHelpVisit("after", "c1", "s2", kNine + absl::Minutes(50), 20),
  });
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(out[1].reason_code(), v1::REASON_CODE_OVERLAPPING_VISIT);
  EXPECT_EQ(out[1].detail(),
            absl::StrCat("overlaps visit ", VisitOf("good"),
                         " of the same provider to the same client"));
  EXPECT_EQ(out[2].reason_code(), v1::REASON_CODE_STAFF_DOUBLE_BOOKED);
  EXPECT_EQ(out[2].detail(),
            absl::StrCat("staff s1 is in visit ", VisitOf("good"),
                         " at the same time"));
  EXPECT_EQ(out[3].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(publisher_.events_.size(), 4u);
}

TEST_F(VisitsAppTest, ReportThatCannotBePublishedIsAnsweredWithAnError) {
  const v1::VisitReport good = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  std::vector<v1::ReportOutcome> out = app_.Ingest({good});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].error_code(),
            static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_THAT(
      out[0].error_message(),
      ::testing::AllOf(HasSubstr("not stored"), HasSubstr("broker down")));
  EXPECT_EQ(out[0].outcome(), v1::OUTCOME_UNSPECIFIED);
  EXPECT_EQ(out[0].visit_id(), VisitOf("good"));
  EXPECT_TRUE(IsError(Visit("good").status(), absl::StatusCode::kNotFound,
                      {"report_id: no visit"}));
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 0);
  EXPECT_TRUE(IsError(Report(good).status(), absl::StatusCode::kUnavailable,
                      {"not stored"}));

  // Sent again once the broker is back: decided afresh, counted once.
  publisher_.fail_with_ = absl::OkStatus();
  absl::StatusOr<v1::ReportOutcome> retry = Report(good);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(retry->replayed());
  EXPECT_EQ(publisher_.events_.size(), 1u);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
  EXPECT_THAT(store_.PendingWithOwners().value(), IsEmpty());
}

// A personnummer in a report's ids or text is refused before any event is
// made of it: a VisitRejected event would keep it in the topic. (1212121212
// passes Luhn with a real date: tests/unit/identity_numbers_test.cc.)
TEST_F(VisitsAppTest, ReportWithAPersonnummerIsRefusedWithoutAnEvent) {
  v1::VisitReport bad = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  bad.set_staff_id("121212-1212");
  std::vector<v1::ReportOutcome> out = app_.Ingest({bad});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].error_code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(out[0].error_message(),
            "staff_id: must not contain a personal identity number");
  EXPECT_EQ(out[0].outcome(), v1::OUTCOME_UNSPECIFIED);
  EXPECT_TRUE(publisher_.events_.empty());
  // The same visit reported properly is accepted.
  EXPECT_EQ(Report(HomeHelpVisit("good", "c1", "s1", kNine, 45))->outcome(),
            v1::OUTCOME_ACCEPTED);
  // Nor may a void give one as its reason.
  v1::VoidVisitRequest void_request = VoidOf("void-1", "good");
  void_request.set_reason("wrong client, it was 1212121212");
  EXPECT_TRUE(IsError(app_.VoidVisit(void_request).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason: must not contain a personal identity number"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(VisitsAppTest, ReportReservedByADeadInstanceIsDecidedAfresh) {
  const v1::VisitReport good = HomeHelpVisit("good", "c1", "s1", kNine, 45);
  ASSERT_TRUE(store_
                  .Reserve({{.visit_id = VisitOf("good"),
                             .fingerprint = Fingerprint(good)}},
                           "instance-gone", absl::Hours(12))
                  .ok());
  absl::StatusOr<v1::ReportOutcome> outcome = Report(good);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_FALSE(outcome->replayed());
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(VisitsAppTest, SweepDropsOnlyTheReservationsOfDeadInstances) {
  const v1::VisitReport ghost = HomeHelpVisit("ghost", "c1", "s1", kNine, 45);
  const v1::Visit ghost_visit = ToVisit(ghost);
  ASSERT_TRUE(store_
                  .Reserve({{.visit_id = VisitOf("ghost"),
                             .fingerprint = Fingerprint(ghost),
                             .slots = IndexSlotsOf(ghost_visit),
                             .start = kNine,
                             .end = kNine + absl::Minutes(45)}},
                           "instance-gone", absl::Hours(12))
                  .ok());
  ASSERT_TRUE(store_.Heartbeat("instance-2", absl::Seconds(3)).ok());
  ASSERT_TRUE(store_
                  .Reserve({{.visit_id = VisitOf("busy")}}, "instance-2",
                           absl::Hours(12))
                  .ok());
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(app_.SweepOrphans().ok());
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(
      store_.PendingWithOwners().value(),
      ElementsAre(std::make_pair(VisitOf("busy"), std::string("instance-2"))));
  // The log says the ghost's reservation was dropped, and names no other.
  EXPECT_THAT(log, HasSubstr("dropped a dead instance's reservation"));
  EXPECT_THAT(log, HasSubstr(VisitOf("ghost")));
  EXPECT_THAT(log, Not(HasSubstr("nothing to drop")));
  EXPECT_THAT(log, Not(HasSubstr(VisitOf("busy"))));
  // The dead instance's slots are free again.
  EXPECT_EQ(Report(HomeHelpVisit("good", "c1", "s1", kNine, 45))->outcome(),
            v1::OUTCOME_ACCEPTED);
}

// A dead instance's rejection reached the rejected reports' topic, but the
// projection has not read it yet when the sweep finds the reservation: the
// sweep waits for both own topics' ends, so the rejection stands and the
// report is not decided afresh.
TEST_F(VisitsAppTest, SweepWaitsForTheRejectedTopicsEndBeforeDropping) {
  const v1::VisitReport ghost =
      HomeHelpVisit("ghost", "c-unknown", "s1", kNine, 45);
  ASSERT_TRUE(store_
                  .Reserve({{.visit_id = VisitOf("ghost"),
                             .fingerprint = Fingerprint(ghost)}},
                           "instance-gone", absl::Hours(12))
                  .ok());
  v1::VisitEvent rejection;
  rejection.set_event_id("ghost-rejected");
  rejection.set_aggregate_id(VisitOf("ghost"));
  rejection.set_aggregate_version(1);
  rejection.set_request_fingerprint(Fingerprint(ghost));
  v1::VisitRejected* r = rejection.mutable_visit_rejected();
  r->set_report_id("ghost");
  r->set_provider_id(kProvider);
  r->set_client_id("c-unknown");
  r->set_reason_code("UNKNOWN_CLIENT");
  r->set_period("2025-03");
  *r->mutable_report() = ToVisit(ghost);
  // The events topic is read to its end (empty); the rejected topic holds
  // the rejection at offset 0, which the projection applies at the third
  // look at its progress.
  rejected_end_.high_ = {{0, 1}};
  int rejected_reads = 0;
  store_.on_applied_offsets_ = [&](OwnTopic topic) {
    if (topic == OwnTopic::kRejected && ++rejected_reads == 3) {
      ASSERT_TRUE(store_
                      .ApplyOwn({{.event = &rejection,
                                  .partition = 0,
                                  .offset = 0,
                                  .topic = OwnTopic::kRejected}})
                      .ok());
    }
  };
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(app_.SweepOrphans().ok());
  const std::string log = ::testing::internal::GetCapturedStderr();
  store_.on_applied_offsets_ = nullptr;
  EXPECT_GE(rejected_reads, 3);
  EXPECT_THAT(store_.PendingWithOwners().value(), IsEmpty());
  // Found by this test: the sweep logged "dropped a reservation that never
  // reached Kafka" for a report whose rejection had reached it.
  EXPECT_THAT(log, HasSubstr("nothing to drop for a dead instance's"));
  EXPECT_THAT(log, Not(HasSubstr("dropped a dead instance's reservation")));
  EXPECT_THAT(log, Not(HasSubstr("never reached Kafka")));
  // Sent again: the rejection's answer, not a fresh decision.
  absl::StatusOr<v1::ReportOutcome> again = Report(ghost);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->outcome(), v1::OUTCOME_REJECTED);
  EXPECT_TRUE(publisher_.events_.empty());
}

// ------------------------------------------------------------ corrections

TEST_F(VisitsAppTest, CorrectionBecomesTheVisitsNextVersion) {
  ReportFebruaryVisit();
  const v1::CorrectVisitRequest fix = CorrectionOf(
      "fix-1", HomeHelpVisit("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 60));
  absl::StatusOr<v1::CorrectVisitResponse> fixed = app_.CorrectVisit(fix);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->visit().version(), 2);
  EXPECT_EQ(fixed->visit().period(), "2025-02");
  EXPECT_EQ(fixed->adjusts_period(), "");
  EXPECT_THAT(store_.locked_visits_, ElementsAre(VisitOf("feb")));

  ASSERT_EQ(publisher_.events_.size(), 2u);
  const v1::VisitEvent& e = publisher_.events_[1];
  EXPECT_EQ(e.aggregate_id(), VisitOf("feb"));
  EXPECT_EQ(e.aggregate_version(), 2);
  EXPECT_EQ(e.request_id(), "fix-1");
  EXPECT_EQ(e.request_fingerprint(), RequestFingerprint(fix));
  EXPECT_EQ(FromProtoTime(e.occurred_at()), clock_.now_);
  EXPECT_EQ(e.visit_corrected().reason(), "the tag was read late");
  EXPECT_EQ(FromProtoTime(e.visit_corrected().previous().end()),
            Utc(2025, 2, 10, 8, 45));
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 60);
  EXPECT_EQ(Visit("feb")->history_size(), 2);
}

TEST_F(VisitsAppTest, RetriedCorrectionAnswersTheSameAndPublishesNothing) {
  ReportFebruaryVisit();
  const v1::CorrectVisitRequest fix = CorrectionOf(
      "fix-1", HomeHelpVisit("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 60));
  ASSERT_TRUE(app_.CorrectVisit(fix).ok());
  absl::StatusOr<v1::CorrectVisitResponse> retry = app_.CorrectVisit(fix);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->visit().version(), 2);
  EXPECT_EQ(publisher_.events_.size(), 2u);
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 60);

  // The same request id for another correction.
  v1::CorrectVisitRequest other = CorrectionOf(
      "fix-1", HomeHelpVisit("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 50));
  EXPECT_TRUE(IsError(app_.CorrectVisit(other).status(),
                      absl::StatusCode::kAlreadyExists,
                      {"request_id 'fix-1' was already used"}));
}

TEST_F(VisitsAppTest, CorrectionOfASettledMonthCountsInTheNextOpenOne) {
  ReportFebruaryVisit();
  store_.LockPeriod(kProvider, "2025-02");
  absl::StatusOr<v1::CorrectVisitResponse> fixed = app_.CorrectVisit(
      CorrectionOf("fix-1", HomeHelpVisit("feb", "c1", "s1",
                                          Utc(2025, 2, 10, 8, 0), 60)));
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->adjusts_period(), "2025-02");
  EXPECT_EQ(fixed->visit().period(), "2025-03");
  // February stays as settled; the 15 extra minutes count in March.
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 45);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 15);
}

TEST_F(VisitsAppTest, CorrectionThatBreaksARuleSaysWhichAndChangesNothing) {
  ReportFebruaryVisit();
  const absl::Time feb = Utc(2025, 2, 10, 8, 0);
  v1::VisitReport backwards = HomeHelpVisit("feb", "c1", "s1", feb, 45);
  *backwards.mutable_end() = ToProtoTime(feb - absl::Hours(1));
  EXPECT_TRUE(
      IsError(app_.CorrectVisit(CorrectionOf("fix-1", backwards)).status(),
              absl::StatusCode::kFailedPrecondition, {"END_BEFORE_START"}));
  EXPECT_TRUE(IsError(
      app_.CorrectVisit(
              CorrectionOf("fix-2", HomeHelpVisit("feb", "c2", "s1", feb, 45)))
          .status(),
      absl::StatusCode::kInvalidArgument, {"corrected.client_id"}));
  v1::CorrectVisitRequest renamed =
      CorrectionOf("fix-3", HomeHelpVisit("feb", "c1", "s1", feb, 45));
  renamed.mutable_corrected()->set_report_id("feb-2");
  EXPECT_TRUE(IsError(app_.CorrectVisit(renamed).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"corrected: report_id and provider_id cannot change"}));
  v1::CorrectVisitRequest no_reason = renamed;
  no_reason.mutable_corrected()->set_report_id("feb");
  no_reason.set_reason("");
  EXPECT_TRUE(IsError(app_.CorrectVisit(no_reason).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason: is required"}));
  v1::CorrectVisitRequest no_id = no_reason;
  no_id.set_request_id("");
  EXPECT_TRUE(IsError(app_.CorrectVisit(no_id).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"request_id: is required"}));
  EXPECT_TRUE(IsError(
      app_.CorrectVisit(
              CorrectionOf("fix-4", HomeHelpVisit("nope", "c1", "s1", feb, 45)))
          .status(),
      absl::StatusCode::kNotFound, {"report_id: no visit", VisitOf("nope")}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
  EXPECT_EQ(Visit("feb")->current().version(), 1);
}

TEST_F(VisitsAppTest, CorrectionOntoAnotherVisitsTimeIsAnOverlap) {
  const absl::Time ten = Utc(2025, 3, 10, 8, 0);
  ASSERT_TRUE(Report(HomeHelpVisit("first", "c1", "s1", ten, 30)).ok());
  ASSERT_TRUE(
      Report(HomeHelpVisit("second", "c1", "s2", ten + absl::Hours(1), 30))
          .ok());
  EXPECT_TRUE(IsError(
      app_.CorrectVisit(
              CorrectionOf("fix-1", HomeHelpVisit("second", "c1", "s2",
                                                  ten + absl::Minutes(15), 30)))
          .status(),
      absl::StatusCode::kFailedPrecondition,
      {"OVERLAPPING_VISIT", VisitOf("first")}));
  // Its own time is no overlap.
  EXPECT_TRUE(app_
                  .CorrectVisit(CorrectionOf(
                      "fix-2", HomeHelpVisit("first", "c1", "s1", ten, 40)))
                  .ok());
}

TEST_F(VisitsAppTest, CorrectionThatCannotBeStoredIsRetriedUnderItsId) {
  ReportFebruaryVisit();
  const v1::CorrectVisitRequest fix = CorrectionOf(
      "fix-1", HomeHelpVisit("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 60));
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(
      IsError(app_.CorrectVisit(fix).status(), absl::StatusCode::kUnavailable,
              {"not stored", "broker down", "retry with the same request_id"}));
  EXPECT_EQ(Visit("feb")->current().version(), 1);
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 45);

  publisher_.fail_with_ = absl::OkStatus();
  absl::StatusOr<v1::CorrectVisitResponse> retry = app_.CorrectVisit(fix);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->visit().version(), 2);
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 60);
}

// ------------------------------------------------------------ voids

TEST_F(VisitsAppTest, VoidedVisitNoLongerCounts) {
  const absl::Time ten = Utc(2025, 3, 10, 8, 0);
  ASSERT_TRUE(Report(HomeHelpVisit("mar", "c1", "s1", ten, 30)).ok());
  absl::StatusOr<v1::VoidVisitResponse> voided =
      app_.VoidVisit(VoidOf("void-1", "mar"));
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_EQ(voided->period(), "2025-03");
  EXPECT_EQ(voided->adjusts_period(), "");
  EXPECT_EQ(voided->previous().report_id(), "mar");
  ASSERT_EQ(publisher_.events_.size(), 2u);
  EXPECT_EQ(publisher_.events_[1].aggregate_version(), 2);
  EXPECT_EQ(publisher_.events_[1].request_id(), "void-1");
  EXPECT_TRUE(publisher_.events_[1].has_visit_voided());
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 0);
  EXPECT_TRUE(Visit("mar")->voided());
  // Its time is free for another visit.
  EXPECT_EQ(Report(HomeHelpVisit("again", "c1", "s1", ten, 30))->outcome(),
            v1::OUTCOME_ACCEPTED);

  absl::StatusOr<v1::VoidVisitResponse> retry =
      app_.VoidVisit(VoidOf("void-1", "mar"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->period(), "2025-03");
  EXPECT_EQ(retry->previous().report_id(), "mar");
  EXPECT_EQ(publisher_.events_.size(), 3u);
  EXPECT_TRUE(IsError(app_.VoidVisit(VoidOf("void-2", "mar")).status(),
                      absl::StatusCode::kFailedPrecondition, {"is voided"}));
}

TEST_F(VisitsAppTest, VoidInASettledMonthCountsInTheNextOpenOne) {
  ReportFebruaryVisit();
  store_.LockPeriod(kProvider, "2025-02");
  absl::StatusOr<v1::VoidVisitResponse> voided =
      app_.VoidVisit(VoidOf("void-1", "feb"));
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_EQ(voided->period(), "2025-03");
  EXPECT_EQ(voided->adjusts_period(), "2025-02");
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 45);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), -45);
}

}  // namespace
}  // namespace lov::visits
