// Complaints, deviations and follow-ups: workflows and deadlines in
// Stockholm calendar days, across month ends, a leap day and both DST
// changes (expected dates counted on a calendar by hand).
#include <gtest/gtest.h>

#include "lov/followup/domain/calendar.h"
#include "lov/followup/domain/complaints.h"
#include "lov/followup/domain/deviations.h"
#include "lov/followup/domain/follow_ups.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }
absl::Time Utc(int y, int m, int d, int h, int min = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, 0),
                         absl::UTCTimeZone());
}

v1::RegisterComplaintRequest ComplaintOn(const std::string& date) {
  v1::RegisterComplaintRequest r;
  r.set_request_id("req-1");
  r.set_client_id("cli-1");
  r.set_provider_id("prv-a");
  r.set_category("punctuality");
  r.set_received_date(date);
  return r;
}

TEST(ComplaintTest, ReplyIsDueFourteenDaysAfterReceiptAcrossMonthEnds) {
  // Jan 25 + 14 = Feb 8 (Jan has 31 days: 6 days to Jan 31, 8 in Feb).
  auto c =
      RegisterComplaint(ComplaintOn("2025-01-25"), "cmp-1", Day(2025, 1, 30));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->reply_due_date(), "2025-02-08");
  EXPECT_EQ(c->status(), v1::COMPLAINT_STATUS_RECEIVED);
  // 2024 is a leap year: Feb 20 + 14 = Mar 5 (9 days to Feb 29, 5 in March).
  auto leap =
      RegisterComplaint(ComplaintOn("2024-02-20"), "cmp-2", Day(2024, 2, 20));
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->reply_due_date(), "2024-03-05");
  // Dec 20 + 14 = Jan 3 of the next year.
  auto year =
      RegisterComplaint(ComplaintOn("2024-12-20"), "cmp-3", Day(2024, 12, 31));
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->reply_due_date(), "2025-01-03");
}

TEST(ComplaintTest, TodayIsTheStockholmDateAcrossTheSpringChange) {
  // 2025-03-31T22:30Z is 00:30 on April 1 in Stockholm (CEST, UTC+2), so a
  // complaint registered then without a date is received on April 1.
  const absl::CivilDay today = StockholmDate(Utc(2025, 3, 31, 22, 30));
  auto c = RegisterComplaint(ComplaintOn(""), "cmp-1", today);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->received_date(), "2025-04-01");
  EXPECT_EQ(c->reply_due_date(), "2025-04-15");
}

TEST(ComplaintTest, OverdueFromTheDayAfterItsDeadlineInStockholm) {
  // Received Oct 12, due Oct 26 2025: the day clocks go back (25 hours).
  auto c =
      RegisterComplaint(ComplaintOn("2025-10-12"), "cmp-1", Day(2025, 10, 12));
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->reply_due_date(), "2025-10-26");
  // 22:30Z on Oct 26 is 23:30 CET, still Oct 26: not overdue.
  EXPECT_FALSE(ComplaintOverdue(*c, StockholmDate(Utc(2025, 10, 26, 22, 30))));
  // 23:00Z is 00:00 CET on Oct 27: overdue.
  EXPECT_TRUE(ComplaintOverdue(*c, StockholmDate(Utc(2025, 10, 26, 23, 0))));
  // 22:30Z on Oct 25 is 00:30 CEST on Oct 26 already: not overdue either.
  EXPECT_FALSE(ComplaintOverdue(*c, StockholmDate(Utc(2025, 10, 25, 22, 30))));
}

TEST(ComplaintTest, MovesForwardOnlyAndAnAnsweredOneIsNotOverdue) {
  auto c =
      RegisterComplaint(ComplaintOn("2025-03-03"), "cmp-1", Day(2025, 3, 3));
  ASSERT_TRUE(c.ok());
  v1::AdvanceComplaintRequest step;
  step.set_status(v1::COMPLAINT_STATUS_INVESTIGATING);
  step.set_date("2025-03-04");
  auto investigating = AdvanceComplaint(*c, step, Day(2025, 3, 20));
  ASSERT_TRUE(investigating.ok()) << investigating.status();
  EXPECT_TRUE(ComplaintOverdue(*investigating, Day(2025, 3, 18)));
  step.set_status(v1::COMPLAINT_STATUS_RECEIVED);
  auto back = AdvanceComplaint(*investigating, step, Day(2025, 3, 20));
  EXPECT_EQ(back.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(back.status().message().find("only forwards"),
            absl::string_view::npos);
  step.set_status(v1::COMPLAINT_STATUS_ANSWERED);
  step.set_date("2025-03-19");
  auto answered = AdvanceComplaint(*investigating, step, Day(2025, 3, 20));
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(answered->answered_date(), "2025-03-19");
  EXPECT_EQ(answered->version(), 3);
  EXPECT_FALSE(ComplaintOverdue(*answered, Day(2025, 3, 20)));
}

TEST(ComplaintTest, RefusesWhatIsWrongNamingTheField) {
  auto future =
      RegisterComplaint(ComplaintOn("2025-03-05"), "cmp-1", Day(2025, 3, 4));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(future.status().message().rfind("received_date: ", 0), 0u);
  v1::RegisterComplaintRequest pnr = ComplaintOn("2025-03-03");
  pnr.set_client_id("19121212-1212");
  auto refused = RegisterComplaint(pnr, "cmp-1", Day(2025, 3, 4));
  EXPECT_EQ(refused.status().message().rfind("client_id: ", 0), 0u);
  EXPECT_EQ(refused.status().message().find("1212"), absl::string_view::npos);
  v1::RegisterComplaintRequest none = ComplaintOn("2025-03-03");
  none.clear_category();
  EXPECT_EQ(
      RegisterComplaint(none, "cmp-1", Day(2025, 3, 4)).status().message(),
      "category: is required");
}

v1::ReportDeviationRequest LexSarah(v1::Severity severity,
                                    const std::string& reported) {
  v1::ReportDeviationRequest r;
  r.set_provider_id("prv-a");
  r.set_client_id("cli-1");
  r.set_kind(v1::DEVIATION_KIND_LEX_SARAH);
  r.set_severity(severity);
  r.set_occurred_date("2025-03-20");
  r.set_reported_date(reported);
  return r;
}

TEST(DeviationTest, ASeriousLexSarahReportIsDueAtIvoFourteenDaysLater) {
  // Reported Mar 24 2025; Mar 24 + 14 = Apr 7 (7 days to Mar 31, 7 in
  // April), across the spring change on Mar 30.
  auto d = ReportDeviation(LexSarah(v1::SEVERITY_SERIOUS, "2025-03-24"),
                           "dev-1", Day(2025, 3, 25));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(MustReportToIvo(*d));
  EXPECT_EQ(d->ivo_due_date(), "2025-04-07");
  // 21:59Z on Apr 7 is 23:59 CEST Apr 7: not overdue; 22:00Z is Apr 8.
  EXPECT_FALSE(DeviationOverdue(*d, StockholmDate(Utc(2025, 4, 7, 21, 59))));
  EXPECT_TRUE(DeviationOverdue(*d, StockholmDate(Utc(2025, 4, 7, 22, 0))));
  v1::ReportToIvoRequest ivo;
  ivo.set_reported_date("2025-04-09");
  auto reported = ReportToIvo(*d, ivo, Day(2025, 4, 9));
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_FALSE(DeviationOverdue(*reported, Day(2025, 4, 20)));
  EXPECT_EQ(ReportToIvo(*reported, ivo, Day(2025, 4, 9)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DeviationTest, ARiskGoesToIvoTooAMinorOneAndADeviationDoNot) {
  v1::ReportDeviationRequest january =
      LexSarah(v1::SEVERITY_SERIOUS_RISK, "2025-01-20");
  january.set_occurred_date("2025-01-18");
  // Jan 20 + 14 = Feb 3 (11 days to Jan 31, 3 in February).
  auto risk = ReportDeviation(january, "dev-1", Day(2025, 1, 20));
  ASSERT_TRUE(risk.ok()) << risk.status();
  EXPECT_EQ(risk->ivo_due_date(), "2025-02-03");
  auto minor = ReportDeviation(LexSarah(v1::SEVERITY_MINOR, "2025-03-24"),
                               "dev-2", Day(2025, 3, 24));
  ASSERT_TRUE(minor.ok());
  EXPECT_EQ(minor->ivo_due_date(), "");
  EXPECT_FALSE(DeviationOverdue(*minor, Day(2026, 1, 1)));
  EXPECT_EQ(ReportToIvo(*minor, {}, Day(2025, 3, 24)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ReportDeviationRequest plain =
      LexSarah(v1::SEVERITY_UNSPECIFIED, "2025-03-24");
  plain.set_kind(v1::DEVIATION_KIND_DEVIATION);
  auto deviation = ReportDeviation(plain, "dev-3", Day(2025, 3, 24));
  ASSERT_TRUE(deviation.ok());
  EXPECT_EQ(deviation->severity(), v1::SEVERITY_MINOR);
  EXPECT_FALSE(MustReportToIvo(*deviation));
}

TEST(DeviationTest, RefusesWhatIsWrongNamingTheField) {
  auto no_severity =
      ReportDeviation(LexSarah(v1::SEVERITY_UNSPECIFIED, "2025-03-24"), "dev-1",
                      Day(2025, 3, 24));
  EXPECT_EQ(no_severity.status().message().rfind("severity: ", 0), 0u);
  v1::ReportDeviationRequest later = LexSarah(v1::SEVERITY_MINOR, "2025-03-24");
  later.set_occurred_date("2025-03-25");
  auto after = ReportDeviation(later, "dev-1", Day(2025, 3, 26));
  EXPECT_EQ(after.status().message(),
            "occurred_date: 2025-03-25 is after reported_date (2025-03-24)");
}

TEST(FollowUpTest, AnActionPlanNotReceivedByItsDeadlineIsOverdue) {
  v1::PlanFollowUpRequest plan;
  plan.set_provider_id("prv-a");
  plan.set_planned_date("2025-05-12");
  auto planned = PlanFollowUp(plan, "fu-1");
  ASSERT_TRUE(planned.ok());
  v1::CompleteFollowUpRequest done;
  done.set_done_date("2025-05-14");
  auto* ok = done.add_findings();
  ok->set_summary("Routines for medication are known by all staff");
  auto* plan_needed = done.add_findings();
  plan_needed->set_summary("Implementation plans missing for 4 of 10 clients");
  plan_needed->set_requires_action_plan(true);
  plan_needed->set_action_plan_due_date("2025-05-31");
  auto completed = CompleteFollowUp(*planned, done, Day(2025, 5, 14));
  ASSERT_TRUE(completed.ok()) << completed.status();
  ASSERT_EQ(completed->findings_size(), 2);
  EXPECT_EQ(completed->findings(1).finding_id(), "fu-1/f2");
  EXPECT_TRUE(OverdueFindings(*completed, Day(2025, 5, 31)).empty());
  EXPECT_EQ(OverdueFindings(*completed, Day(2025, 6, 1)),
            std::vector<std::string>{"fu-1/f2"});
  v1::RecordActionPlanRequest received;
  received.set_finding_id("fu-1/f2");
  received.set_received_date("2025-06-02");
  auto late = RecordActionPlan(*completed, received, Day(2025, 6, 2));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(OverdueFindings(*late, Day(2025, 6, 2)).empty());
  received.set_finding_id("fu-1/f1");
  EXPECT_EQ(RecordActionPlan(*late, received, Day(2025, 6, 2)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CompleteFollowUp(*late, done, Day(2025, 6, 2)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(FollowUpTest, AnActionPlanIsDueAfterTheFollowUp) {
  v1::FollowUp planned;
  planned.set_follow_up_id("fu-1");
  planned.set_status(v1::FOLLOW_UP_STATUS_PLANNED);
  v1::CompleteFollowUpRequest done;
  done.set_done_date("2025-05-14");
  auto* f = done.add_findings();
  f->set_summary("x");
  f->set_requires_action_plan(true);
  EXPECT_EQ(
      CompleteFollowUp(planned, done, Day(2025, 5, 14)).status().message(),
      "findings[0].action_plan_due_date: is required (YYYY-MM-DD)");
  f->set_action_plan_due_date("2025-05-14");
  EXPECT_EQ(
      CompleteFollowUp(planned, done, Day(2025, 5, 14)).status().message(),
      "findings[0].action_plan_due_date: 2025-05-14 must be after "
      "done_date (2025-05-14)");
}

}  // namespace
}  // namespace lov::followup
