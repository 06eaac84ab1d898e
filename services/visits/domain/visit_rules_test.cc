// The verification rules as pure functions: a Norrtälje-like setup (home
// help 07-22 every day, home nursing 07-17), one client assigned to one
// provider, fixed instants, no I/O. Expected values are written by hand.
#include "lov/visits/domain/visit_rules.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"

namespace lov::visits {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Stockholm wall clock -> instant, written out by hand: CET is UTC+1,
// CEST UTC+2 (from 2025-03-30 01:00 UTC to 2025-10-26 01:00 UTC).
absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                         absl::UTCTimeZone());
}

// "Now" for every test: 2025-03-20 12:00 UTC.
const absl::Time kNow = Utc(2025, 3, 20, 12, 0);

registry::v1::Municipality Norrtalje() {
  registry::v1::Municipality m;
  auto* help = m.add_categories();
  help->set_category_id("home-help");
  auto* h = help->add_hours();
  h->set_start_minute(7 * 60);
  h->set_end_minute(22 * 60);
  auto* nursing = m.add_categories();
  nursing->set_category_id("home-nursing");
  auto* n = nursing->add_hours();
  n->set_start_minute(7 * 60);
  n->set_end_minute(17 * 60);
  auto* rehab = m.add_categories();
  rehab->set_category_id("rehab");
  auto* r = rehab->add_hours();
  for (int d = 1; d <= 5; ++d) r->add_weekdays(d);
  r->set_start_minute(8 * 60);
  r->set_end_minute(17 * 60);
  return m;
}

VerificationContext Context() {
  VerificationContext ctx;
  choice::v1::Assignment a;
  a.set_assignment_id("asg-1");
  a.set_client_id("client-1");
  a.set_provider_id("prv-attendo");
  a.set_zone_id("north");
  a.add_category_ids("home-help");
  a.add_category_ids("rehab");
  a.set_valid_from("2025-03-01");
  a.set_valid_to("2025-03-31");
  ctx.assignments.push_back(a);
  choice::v1::Decision d;
  d.set_decision_id("dec-1");
  d.set_valid_from("2025-01-01");
  auto* g = d.add_categories();
  g->set_category_id("home-help");
  g->set_minutes_per_month(600);  // 10 hours a month
  ctx.decisions.push_back(d);
  ctx.municipality = Norrtalje();
  return ctx;
}

// A good report: 2025-03-18 09:00-09:45 Stockholm (08:00-08:45 UTC).
v1::VisitReport Report() {
  v1::VisitReport r;
  r.set_report_id("r-1");
  r.set_provider_id("prv-attendo");
  r.set_client_id("client-1");
  r.set_category_id("home-help");
  r.set_staff_id("staff-a");
  *r.mutable_start() = ToProtoTime(Utc(2025, 3, 18, 8, 0));
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 8, 45));
  r.set_evidence(v1::EVIDENCE_NFC_TAG);
  r.add_activities("shower");
  return r;
}

Verdict Check(const v1::VisitReport& r,
              const VerificationContext& ctx = Context()) {
  return Verify(r, ctx, Limits{}, kNow);
}

std::vector<std::string> Codes(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& e : v.exceptions) out.push_back(e.code());
  return out;
}

TEST(VerifyTest, GoodReportIsAcceptedWithItsAssignmentAndPeriod) {
  Verdict v = Check(Report());
  ASSERT_TRUE(v.accepted) << v.detail;
  EXPECT_THAT(v.exceptions, IsEmpty());
  EXPECT_EQ(v.visit.visit_id(), "prv-attendo/r-1");
  EXPECT_EQ(v.visit.assignment_id(), "asg-1");
  EXPECT_EQ(v.visit.zone_id(), "north");
  EXPECT_EQ(v.visit.period(), "2025-03");
  EXPECT_EQ(v.visit.status(), v1::VISIT_STATUS_PERFORMED);
  EXPECT_EQ(v.visit.version(), 1);
  EXPECT_EQ(v.adjusts_period, "");
}

TEST(VerifyTest, MalformedNamesTheMissingField) {
  for (auto [field, mutate] :
       std::vector<std::pair<std::string, void (*)(v1::VisitReport*)>>{
           {"report_id", [](v1::VisitReport* r) { r->clear_report_id(); }},
           {"client_id", [](v1::VisitReport* r) { r->clear_client_id(); }},
           {"category_id", [](v1::VisitReport* r) { r->clear_category_id(); }},
           {"staff_id", [](v1::VisitReport* r) { r->clear_staff_id(); }},
           {"start", [](v1::VisitReport* r) { r->clear_start(); }},
           {"end", [](v1::VisitReport* r) { r->clear_end(); }},
           {"second_staff_id",
            [](v1::VisitReport* r) { r->set_double_staffing(true); }},
           {"status_reason", [](v1::VisitReport* r) {
              r->set_status(v1::VISIT_STATUS_CLIENT_ABSENT);
            }}}) {
    v1::VisitReport r = Report();
    mutate(&r);
    Verdict v = Check(r);
    EXPECT_FALSE(v.accepted) << field;
    EXPECT_EQ(v.reason, v1::REASON_CODE_MALFORMED) << field;
    EXPECT_THAT(v.detail, HasSubstr(field));
  }
}

// The distance travelled goes with the visit (settlement pays it per km);
// more than 500 km is malformed, naming the field and the maximum.
TEST(VerifyTest, TravelMetresAreCarriedUpToTheMaximum) {
  v1::VisitReport r = Report();
  Verdict v = Check(r);
  ASSERT_TRUE(v.accepted) << v.detail;
  EXPECT_EQ(v.visit.travel_metres(), 0u);
  r.set_travel_metres(500000);
  v = Check(r);
  ASSERT_TRUE(v.accepted) << v.detail;
  EXPECT_EQ(v.visit.travel_metres(), 500000u);
  r.set_travel_metres(500001);
  v = Check(r);
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.reason, v1::REASON_CODE_MALFORMED);
  EXPECT_EQ(
      v.detail,
      "travel_metres: 500001 is above the maximum 500000 metres (500 km)");
}

// 1212121212 and 7010632391 (a samordningsnummer) pass Luhn with real
// dates (worked by hand in tests/unit/identity_numbers_test.cc).
TEST(CheckNoPersonnummerTest, NamesTheFieldThatHoldsOne) {
  EXPECT_TRUE(CheckNoPersonnummer(Report()).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"report_id", "r-121212-1212"},
      {"client_id", "1212121212"},
      {"staff_id", "anna-121212+1212"},
      {"second_staff_id", "7010632391"},
      {"status_reason", "see 701063-2391"}};
  for (const auto& [field, value] : cases) {
    v1::VisitReport r = Report();
    const auto* descriptor = r.GetDescriptor()->FindFieldByName(field);
    r.GetReflection()->SetString(&r, descriptor, value);
    absl::Status s = CheckNoPersonnummer(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(s.message(),
              field + ": must not contain a personal identity number");
  }
  // An organisation number and a plain staff number are no personnummer.
  v1::VisitReport r = Report();
  r.set_staff_id("556554-1645-42");
  r.set_status_reason("called 08-123 456 78");
  EXPECT_TRUE(CheckNoPersonnummer(r).ok());
}

TEST(VerifyTest, DoubleStaffingNeedsTwoDifferentStaff) {
  v1::VisitReport r = Report();
  r.set_double_staffing(true);
  r.set_second_staff_id("staff-a");
  EXPECT_EQ(Check(r).reason, v1::REASON_CODE_MALFORMED);
  r.set_second_staff_id("staff-b");
  EXPECT_TRUE(Check(r).accepted);
}

TEST(VerifyTest, EndNotAfterStartIsRejected) {
  v1::VisitReport r = Report();
  *r.mutable_end() = r.start();
  Verdict v = Check(r);
  EXPECT_EQ(v.reason, v1::REASON_CODE_END_BEFORE_START);
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 7, 0));
  EXPECT_EQ(Check(r).reason, v1::REASON_CODE_END_BEFORE_START);
}

TEST(VerifyTest, FutureVisitIsRejectedBeyondTheClockSkew) {
  v1::VisitReport r = Report();
  *r.mutable_start() = ToProtoTime(Utc(2025, 3, 20, 11, 30));
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 20, 12, 1));  // within 2 min
  EXPECT_TRUE(Check(r).accepted);
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 20, 12, 3));
  Verdict v = Check(r);
  EXPECT_EQ(v.reason, v1::REASON_CODE_IN_FUTURE);
  EXPECT_THAT(v.detail, HasSubstr("2025-03-20T12:03:00Z"));
}

TEST(VerifyTest, VisitLongerThanTheMaximumIsRejected) {
  v1::VisitReport r = Report();
  *r.mutable_start() = ToProtoTime(Utc(2025, 3, 18, 6, 0));
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 18, 0));  // exactly 12 h
  EXPECT_NE(Check(r).reason, v1::REASON_CODE_TOO_LONG);
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 18, 1));
  Verdict v = Check(r);
  EXPECT_EQ(v.reason, v1::REASON_CODE_TOO_LONG);
  EXPECT_THAT(v.detail, HasSubstr("721 minutes"));
  Limits shorter;
  shorter.max_length = absl::Hours(2);
  EXPECT_EQ(Verify(Report(), Context(), shorter, kNow).reason,
            v1::REASON_CODE_UNSPECIFIED);
}

TEST(VerifyTest, ClientWithoutAssignmentOrDecisionIsUnknown) {
  VerificationContext empty;
  empty.municipality = Norrtalje();
  EXPECT_EQ(Check(Report(), empty).reason, v1::REASON_CODE_UNKNOWN_CLIENT);
}

TEST(VerifyTest, NotAssignedForOtherProviderCategoryOrDate) {
  v1::VisitReport other_provider = Report();
  other_provider.set_provider_id("prv-tiohundra");
  EXPECT_EQ(Check(other_provider).reason, v1::REASON_CODE_NOT_ASSIGNED);

  v1::VisitReport other_category = Report();
  other_category.set_category_id("home-nursing");
  EXPECT_EQ(Check(other_category).reason, v1::REASON_CODE_NOT_ASSIGNED);

  // 2025-02-28 23:30 UTC is already 2025-03-01 00:30 in Stockholm: assigned.
  v1::VisitReport first_day = Report();
  *first_day.mutable_start() = ToProtoTime(Utc(2025, 2, 28, 23, 30));
  *first_day.mutable_end() = ToProtoTime(Utc(2025, 2, 28, 23, 50));
  EXPECT_TRUE(Check(first_day).accepted);
  // 22:30 UTC on the 28th is 23:30 on the 28th in Stockholm: not yet.
  v1::VisitReport day_before = Report();
  *day_before.mutable_start() = ToProtoTime(Utc(2025, 2, 28, 22, 30));
  *day_before.mutable_end() = ToProtoTime(Utc(2025, 2, 28, 22, 50));
  Verdict v = Check(day_before);
  EXPECT_EQ(v.reason, v1::REASON_CODE_NOT_ASSIGNED);
  EXPECT_THAT(v.detail, HasSubstr("2025-02-28"));
}

TEST(VerifyTest, OpenEndedAssignmentCoversLaterDates) {
  VerificationContext ctx = Context();
  ctx.assignments[0].clear_valid_to();
  v1::VisitReport r = Report();
  EXPECT_TRUE(Check(r, ctx).accepted);
}

TEST(VerifyTest, OutsideHoursIsAnExceptionNotARejection) {
  // 21:30-22:15 Stockholm (CET) = 20:30-21:15 UTC: past 22:00.
  v1::VisitReport r = Report();
  *r.mutable_start() = ToProtoTime(Utc(2025, 3, 18, 20, 30));
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 21, 15));
  Verdict v = Check(r);
  EXPECT_TRUE(v.accepted);
  EXPECT_THAT(Codes(v), ElementsAre("OUTSIDE_HOURS"));
  EXPECT_THAT(v.exceptions[0].detail(), HasSubstr("21:30-22:15"));
  // 21:00-22:00 exactly fits.
  *r.mutable_start() = ToProtoTime(Utc(2025, 3, 18, 20, 0));
  *r.mutable_end() = ToProtoTime(Utc(2025, 3, 18, 21, 0));
  EXPECT_THAT(Codes(Check(r)), IsEmpty());
}

TEST(InsideHoursTest, UsesSummerTimeAfterTheChange) {
  const registry::v1::ServiceCategory help = Norrtalje().categories(0);
  // 2025-03-31 (CEST, UTC+2): 05:30 UTC is 07:30 local: inside.
  EXPECT_TRUE(
      InsideHours(help, Utc(2025, 3, 31, 5, 30), Utc(2025, 3, 31, 6, 0)));
  // 2025-03-28 (CET, UTC+1): 05:30 UTC is 06:30 local: outside.
  EXPECT_FALSE(
      InsideHours(help, Utc(2025, 3, 28, 5, 30), Utc(2025, 3, 28, 6, 0)));
}

TEST(InsideHoursTest, APublicHolidayMayHaveTheSundayHours) {
  // Weekdays 07:00-22:00, Sundays 09:00-16:00.
  registry::v1::ServiceCategory help;
  auto* weekdays = help.add_hours();
  for (int d : {1, 2, 3, 4, 5}) weekdays->add_weekdays(d);
  weekdays->set_start_minute(7 * 60);
  weekdays->set_end_minute(22 * 60);
  auto* sunday = help.add_hours();
  sunday->add_weekdays(7);
  sunday->set_start_minute(9 * 60);
  sunday->set_end_minute(16 * 60);
  // Thursday 2025-05-29 is Ascension Day; 18:00-18:30 local (CEST).
  const absl::Time evening_start = Utc(2025, 5, 29, 16, 0);
  const absl::Time evening_end = Utc(2025, 5, 29, 16, 30);
  EXPECT_TRUE(InsideHours(help, evening_start, evening_end));  // a Thursday
  help.set_public_holidays_as_sunday(true);
  EXPECT_FALSE(InsideHours(help, evening_start, evening_end));  // a Sunday
  EXPECT_TRUE(
      InsideHours(help, Utc(2025, 5, 29, 8, 0), Utc(2025, 5, 29, 9, 0)));
  // The Wednesday before is an ordinary weekday.
  EXPECT_TRUE(
      InsideHours(help, Utc(2025, 5, 28, 16, 0), Utc(2025, 5, 28, 16, 30)));
}

TEST(InsideHoursTest, WeekdaysAndMidnight) {
  const registry::v1::ServiceCategory rehab = Norrtalje().categories(2);
  // Saturday 2025-03-15 10:00 local.
  EXPECT_FALSE(
      InsideHours(rehab, Utc(2025, 3, 15, 9, 0), Utc(2025, 3, 15, 9, 30)));
  // Friday 2025-03-14 10:00 local.
  EXPECT_TRUE(
      InsideHours(rehab, Utc(2025, 3, 14, 9, 0), Utc(2025, 3, 14, 9, 30)));
  registry::v1::ServiceCategory around_the_clock;
  EXPECT_TRUE(InsideHours(around_the_clock, Utc(2025, 3, 14, 22, 0),
                          Utc(2025, 3, 15, 2, 0)));
  registry::v1::ServiceCategory night;
  auto* h = night.add_hours();
  h->set_start_minute(22 * 60);
  h->set_end_minute(24 * 60);
  // 22:30-24:00 local ends exactly at midnight: inside.
  EXPECT_TRUE(
      InsideHours(night, Utc(2025, 3, 14, 21, 30), Utc(2025, 3, 14, 23, 0)));
  // 22:30-00:30 crosses midnight: outside.
  EXPECT_FALSE(
      InsideHours(night, Utc(2025, 3, 14, 21, 30), Utc(2025, 3, 14, 23, 30)));
}

TEST(VerifyTest, FarOverGrantedIsAnException) {
  VerificationContext ctx = Context();
  // 600 granted, factor 1.5: up to 900 minutes is fine.
  ctx.performed_minutes_in_month = 855;  // + 45 = 900
  EXPECT_THAT(Codes(Check(Report(), ctx)), IsEmpty());
  ctx.performed_minutes_in_month = 856;  // + 45 = 901
  Verdict v = Check(Report(), ctx);
  EXPECT_TRUE(v.accepted);
  EXPECT_THAT(Codes(v), ElementsAre("FAR_OVER_GRANTED"));
  EXPECT_THAT(v.exceptions[0].detail(), HasSubstr("901 minutes"));
}

TEST(VerifyTest, ManualEvidenceIsFlagged) {
  v1::VisitReport r = Report();
  r.set_evidence(v1::EVIDENCE_MANUAL);
  EXPECT_THAT(Codes(Check(r)), ElementsAre("MANUAL_EVIDENCE"));
  r.set_evidence(v1::EVIDENCE_APP);
  EXPECT_THAT(Codes(Check(r)), IsEmpty());
}

TEST(VerifyTest, VisitThatDidNotHappenCountsNoTime) {
  v1::VisitReport r = Report();
  r.set_status(v1::VISIT_STATUS_CLIENT_ABSENT);
  r.set_status_reason("not at home");
  Verdict v = Check(r);
  ASSERT_TRUE(v.accepted);
  EXPECT_EQ(ClientMinutes(v.visit), 0);
  EXPECT_THAT(IndexSlotsOf(v.visit), IsEmpty());
}

TEST(VerifyTest, LateReportForALockedMonthCountsInTheNextOpenOne) {
  VerificationContext ctx = Context();
  ctx.locked_periods = {"2025-03", "2025-04"};
  Verdict v = Check(Report(), ctx);
  ASSERT_TRUE(v.accepted);
  EXPECT_EQ(v.visit.period(), "2025-05");
  EXPECT_EQ(v.adjusts_period, "2025-03");
}

TEST(MinutesTest, DoubleStaffingCountsStaffMinutesTwice) {
  v1::VisitReport r = Report();
  r.set_double_staffing(true);
  r.set_second_staff_id("staff-b");
  v1::Visit v = ToVisit(r);
  EXPECT_EQ(ClientMinutes(v), 45);
  EXPECT_EQ(StaffMinutes(v), 90);
}

TEST(OverlapTest, HalfOpenIntervals) {
  const absl::Time t8 = Utc(2025, 3, 18, 8, 0), t9 = Utc(2025, 3, 18, 9, 0),
                   t10 = Utc(2025, 3, 18, 10, 0);
  EXPECT_FALSE(Overlaps(t8, t9, t9, t10));  // back to back
  EXPECT_TRUE(Overlaps(t8, t10, t9, t10));
  EXPECT_TRUE(Overlaps(t9, t10, t8, t10));
}

TEST(OverlapTest, SlotsGuardStaffAndClientWithProvider) {
  v1::VisitReport r = Report();
  r.set_double_staffing(true);
  r.set_second_staff_id("staff-b");
  std::vector<IndexSlot> slots = IndexSlotsOf(ToVisit(r));
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].name, "staff:staff-a");
  EXPECT_EQ(slots[1].name, "staff:staff-b");
  EXPECT_EQ(slots[2].name, "client:client-1|prv-attendo");

  Verdict ok = Check(r);
  Verdict staff = OverlapVerdict(ok, slots[1], "prv-attendo/r-0");
  EXPECT_FALSE(staff.accepted);
  EXPECT_EQ(staff.reason, v1::REASON_CODE_STAFF_DOUBLE_BOOKED);
  EXPECT_THAT(staff.detail, HasSubstr("staff-b"));
  EXPECT_THAT(staff.detail, HasSubstr("prv-attendo/r-0"));
  Verdict client = OverlapVerdict(ok, slots[2], "prv-attendo/r-0");
  EXPECT_EQ(client.reason, v1::REASON_CODE_OVERLAPPING_VISIT);
}

TEST(DuplicateTest, ReusedReportIdWithOtherContentIsRejected) {
  Verdict v = DuplicateVerdict(Report(), "prv-attendo/r-1");
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.reason, v1::REASON_CODE_DUPLICATE_REPORT);
  EXPECT_THAT(v.detail, HasSubstr("prv-attendo/r-1"));
}

TEST(ReasonNamesTest, PublishedNamesHaveNoPrefix) {
  EXPECT_EQ(ReasonName(v1::REASON_CODE_NOT_ASSIGNED), "NOT_ASSIGNED");
  EXPECT_EQ(ReasonFromName("STAFF_DOUBLE_BOOKED"),
            v1::REASON_CODE_STAFF_DOUBLE_BOOKED);
  EXPECT_EQ(ReasonFromName("nonsense"), v1::REASON_CODE_UNSPECIFIED);
  EXPECT_EQ(ExceptionName(v1::EXCEPTION_CODE_OUTSIDE_HOURS), "OUTSIDE_HOURS");
}

TEST(GrantedTest, ProratedByDaysOfTheMonth) {
  choice::v1::Decision d;
  d.set_valid_from("2025-04-16");  // 15 of April's 30 days
  auto* g = d.add_categories();
  g->set_category_id("home-help");
  g->set_minutes_per_month(600);
  EXPECT_EQ(GrantedMinutes({d}, "home-help", absl::CivilMonth(2025, 4)), 300);
  EXPECT_EQ(GrantedMinutes({d}, "home-help", absl::CivilMonth(2025, 5)), 600);
  EXPECT_EQ(GrantedMinutes({d}, "home-help", absl::CivilMonth(2025, 3)), 0);
  EXPECT_EQ(GrantedMinutes({d}, "rehab", absl::CivilMonth(2025, 5)), 0);
}

TEST(PeriodTest, StockholmMonthAndNextOpenPeriod) {
  // 2025-03-31 22:30 UTC is 2025-04-01 00:30 in Stockholm (CEST).
  EXPECT_EQ(PeriodOf(Utc(2025, 3, 31, 22, 30)), "2025-04");
  EXPECT_EQ(PeriodOf(Utc(2025, 3, 31, 21, 30)), "2025-03");
  EXPECT_EQ(OpenPeriodFrom("2025-12", {"2025-12"}), "2026-01");
  EXPECT_EQ(OpenPeriodFrom("2025-11", {"2025-12"}), "2025-11");
  EXPECT_TRUE(IsPeriod("2025-03"));
  EXPECT_FALSE(IsPeriod("2025-13"));
  EXPECT_FALSE(IsPeriod("2025-3"));
}

TEST(DeviationTest, BothDirectionsAndNotGranted) {
  v1::PerformedVsGranted over =
      CompareToGranted("c", "home-help", "2025-03", 600, 900, 900, 20);
  EXPECT_DOUBLE_EQ(over.deviation_percent(), 50.0);
  EXPECT_TRUE(IsLargeDeviation(over, 25));
  v1::PerformedVsGranted under =
      CompareToGranted("c", "home-help", "2025-03", 600, 420, 420, 10);
  EXPECT_DOUBLE_EQ(under.deviation_percent(), -30.0);
  EXPECT_TRUE(IsLargeDeviation(under, 25));
  EXPECT_FALSE(IsLargeDeviation(under, 31));
  v1::PerformedVsGranted none =
      CompareToGranted("c", "rehab", "2025-03", 0, 30, 30, 1);
  EXPECT_TRUE(none.not_granted());
  EXPECT_TRUE(IsLargeDeviation(none, 1000));
}

TEST(OutcomeTest, FromAcceptedAndRejectedEvents) {
  v1::VisitEvent accepted;
  accepted.set_aggregate_id("prv-attendo/r-1");
  *accepted.mutable_visit_accepted()->mutable_visit() = Check(Report()).visit;
  accepted.mutable_visit_accepted()->add_exceptions()->set_code(
      "OUTSIDE_HOURS");
  v1::ReportOutcome a = OutcomeOf(accepted);
  EXPECT_EQ(a.outcome(), v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
  EXPECT_EQ(a.visit_id(), "prv-attendo/r-1");
  EXPECT_EQ(a.period(), "2025-03");

  v1::VisitEvent rejected;
  rejected.set_aggregate_id("prv-attendo/r-2");
  rejected.mutable_visit_rejected()->set_reason_code("NOT_ASSIGNED");
  rejected.mutable_visit_rejected()->set_report_id("r-2");
  v1::ReportOutcome r = OutcomeOf(rejected);
  EXPECT_EQ(r.outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(r.reason_code(), v1::REASON_CODE_NOT_ASSIGNED);
  EXPECT_EQ(r.visit_id(), "prv-attendo/r-2");
}

}  // namespace
}  // namespace lov::visits
