#include "lov/console/domain/dashboard_model.h"

#include <gtest/gtest.h>

#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {
namespace {

namespace rv1 = ::lov::registry::v1;
namespace cv1 = ::lov::choice::v1;
namespace vv1 = ::lov::visits::v1;
namespace sv1 = ::lov::settlement::v1;

// Wednesday 18 November 2026, 10:00 in Stockholm (CET).
const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 18, 9, 0, 0), absl::UTCTimeZone());

rv1::RegistryEvent Municipality() {
  rv1::RegistryEvent e;
  auto* m = e.mutable_municipality_configured()->mutable_municipality();
  m->set_name("Norrtälje");
  auto* z = m->add_zones();
  z->set_zone_id("north");
  z->set_name("Norra");
  z = m->add_zones();
  z->set_zone_id("south");
  z->set_name("Södra");
  auto* c = m->add_categories();
  c->set_category_id("service");
  c->set_name("Hemtjänst service");
  return e;
}

rv1::RegistryEvent Provider(const std::string& id, const std::string& name,
                            int version) {
  rv1::RegistryEvent e;
  auto* p = e.mutable_provider_registered()->mutable_provider();
  p->set_provider_id(id);
  p->set_name(name);
  p->set_version(version);
  return e;
}

cv1::ChoiceEvent Health(const std::string& zone, int selectable) {
  cv1::ChoiceEvent e;
  auto* h = e.mutable_zone_health();
  h->set_zone_id(zone);
  h->set_category_id("service");
  h->set_selectable_providers(selectable);
  h->set_no_real_choice(selectable < 2);
  return e;
}

cv1::ChoiceEvent Start(const std::string& id, const std::string& client,
                       const std::string& provider, cv1::AssignmentReason r,
                       const std::string& reported_on = "") {
  cv1::ChoiceEvent e;
  *e.mutable_occurred_at() = ToProtoTime(kNow);
  auto* s = e.mutable_assignment_started();
  s->set_reported_on(reported_on);
  auto* a = s->mutable_assignment();
  a->set_assignment_id(id);
  a->set_client_id(client);
  a->set_provider_id(provider);
  a->set_zone_id("north");
  a->add_category_ids("service");
  a->set_valid_from("2026-10-01");
  a->set_reason(r);
  return e;
}

vv1::VisitEvent Accepted(const std::string& provider, int minutes,
                         const std::string& exception = "") {
  vv1::VisitEvent e;
  *e.mutable_occurred_at() = ToProtoTime(kNow - absl::Minutes(2));
  auto* v = e.mutable_visit_accepted()->mutable_visit();
  v->set_provider_id(provider);
  v->set_status(vv1::VISIT_STATUS_PERFORMED);
  absl::Time start = kNow - absl::Hours(24);
  *v->mutable_start() = ToProtoTime(start);
  *v->mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
  if (!exception.empty()) {
    e.mutable_visit_accepted()->add_exceptions()->set_code(exception);
  }
  return e;
}

vv1::VisitEvent Rejected(const std::string& reason) {
  vv1::VisitEvent e;
  *e.mutable_occurred_at() = ToProtoTime(kNow - absl::Minutes(1));
  e.mutable_visit_rejected()->set_reason_code(reason);
  return e;
}

// `statement` (approved or previewed) of `provider`'s `period`.
template <typename Statement>
void SetStatement(Statement* statement, const std::string& provider,
                  const std::string& period, int64_t ore) {
  statement->set_provider_id(provider);
  statement->set_period(period);
  statement->set_total_ore(ore);
}

sv1::SettlementEvent Approved(const std::string& provider,
                              const std::string& period, int64_t ore) {
  sv1::SettlementEvent e;
  SetStatement(e.mutable_statement_approved(), provider, period, ore);
  return e;
}

// A preview as a settlement of old published it.
sv1::SettlementEvent Previewed(const std::string& provider,
                               const std::string& period, int64_t ore) {
  sv1::SettlementEvent e;
  SetStatement(e.mutable_statement_previewed(), provider, period, ore);
  return e;
}

// `client` granted `minutes` a month of home help service.
cv1::ChoiceEvent Decided(const std::string& client, int minutes) {
  cv1::ChoiceEvent e;
  auto* d = e.mutable_decision_registered();
  d->set_client_id(client);
  auto* g = d->mutable_decision()->add_categories();
  g->set_category_id("service");
  g->set_minutes_per_month(minutes);
  return e;
}

TEST(ConsoleIsoWeekTest, FollowsIso8601AcrossYearEnds) {
  EXPECT_EQ(IsoWeek(absl::CivilDay(2026, 11, 18)), "2026-W47");
  // 1 January 2027 is a Friday: it belongs to the last week of 2026.
  EXPECT_EQ(IsoWeek(absl::CivilDay(2027, 1, 1)), "2026-W53");
  // 29 December 2025 is a Monday in week 1 of 2026.
  EXPECT_EQ(IsoWeek(absl::CivilDay(2025, 12, 29)), "2026-W01");
}

TEST(ConsoleModelTest, ZoneWithOneSelectableProviderHasNoRealChoice) {
  DashboardModel model;
  model.Apply(Municipality());
  model.Apply(Health("north", 1));
  model.Apply(Health("south", 3));
  nlohmann::json s = model.Snapshot(kNow);
  EXPECT_EQ(s["municipality"], "Norrtälje");
  EXPECT_EQ(s["no_real_choice_count"], 1);
  EXPECT_EQ(s["zones"][0]["name"], "Norra");
  EXPECT_EQ(s["zones"][0]["cells"][0]["no_real_choice"], true);
  EXPECT_EQ(s["zones"][0]["cells"][0]["selectable_providers"], 1);
  EXPECT_EQ(s["zones"][1]["cells"][0]["no_real_choice"], false);
  // A later report replaces the earlier one.
  model.Apply(Health("north", 2));
  EXPECT_EQ(model.Snapshot(kNow)["no_real_choice_count"], 0);
}

TEST(ConsoleModelTest, CountsChoicesNonChoiceAndRechoicesPerWeek) {
  DashboardModel model;
  model.Apply(Start("a1", "c1", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  model.Apply(Start("a2", "c2", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  model.Apply(Start("a3", "c3", "p2", cv1::ASSIGNMENT_REASON_NON_CHOICE));
  model.Apply(Start("a4", "c1", "p2", cv1::ASSIGNMENT_REASON_RE_CHOSEN,
                    "2026-11-10"));  // week 46
  nlohmann::json c = model.Snapshot(kNow)["choice"];
  EXPECT_EQ(c["chosen"], 2);
  EXPECT_EQ(c["non_choice"], 1);
  EXPECT_EQ(c["re_chosen"], 1);
  ASSERT_EQ(c["rechoices_per_week"].size(), 8u);
  EXPECT_EQ(c["rechoices_per_week"][6]["week"], "2026-W46");
  EXPECT_EQ(c["rechoices_per_week"][6]["count"], 1);
  EXPECT_EQ(c["rechoices_per_week"][7]["count"], 0);
}

TEST(ConsoleModelTest, CapacityCountsClientsServedTodayAgainstTheCap) {
  DashboardModel model;
  model.Apply(Municipality());
  rv1::RegistryEvent p = Provider("p1", "Attendo", 3);
  auto* cap =
      p.mutable_provider_registered()->mutable_provider()->add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(true);
  cap->set_max_clients(2);
  model.Apply(p);
  model.Apply(Start("a1", "c1", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  model.Apply(Start("a2", "c2", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  cv1::ChoiceEvent ended;
  auto* a = ended.mutable_assignment_ended()->mutable_assignment();
  a->set_assignment_id("a2");
  a->set_valid_to("2026-11-01");
  model.Apply(ended);
  nlohmann::json rows = model.Snapshot(kNow)["capacity"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["provider"], "Attendo");
  EXPECT_EQ(rows[0]["zone"], "Norra");
  EXPECT_EQ(rows[0]["used"], 1);
  EXPECT_EQ(rows[0]["cap"], 2);
}

TEST(ConsoleModelTest, LeavingProviderShowsReChoiceProgress) {
  DashboardModel model;
  model.Apply(Municipality());
  rv1::RegistryEvent p = Provider("p1", "Väddö Vård", 2);
  auto* n = p.mutable_provider_registered()->mutable_provider()->add_notices();
  n->set_zone_id("north");
  n->set_effective_date("2026-12-01");
  model.Apply(p);
  // The choice service names a provider's leaving case the same for every
  // client ("rc-<provider>-<zone>"); only client + case is unique.
  for (const char* client : {"c1", "c2", "c3"}) {
    cv1::ChoiceEvent o;
    auto* c = o.mutable_rechoice_case_opened();
    c->set_client_id(client);
    c->set_case_id("rc-p1-north");
    c->set_provider_id("p1");
    c->set_zone_id("north");
    c->set_deadline(std::string(client) == "c3" ? "2026-11-10" : "2026-11-24");
    model.Apply(o);
  }
  cv1::ChoiceEvent closed;
  closed.mutable_rechoice_case_closed()->set_client_id("c1");
  closed.mutable_rechoice_case_closed()->set_case_id("rc-p1-north");
  closed.mutable_rechoice_case_closed()->set_outcome("re-chosen");
  model.Apply(closed);
  nlohmann::json rows = model.Snapshot(kNow)["leaving"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["provider"], "Väddö Vård");
  EXPECT_EQ(rows[0]["leaving_date"], "2026-12-01");
  EXPECT_EQ(rows[0]["days_left"], 13);
  EXPECT_EQ(rows[0]["cases"], 3);
  EXPECT_EQ(rows[0]["closed"], 1);
  EXPECT_EQ(rows[0]["re_chosen"], 1);
  EXPECT_EQ(rows[0]["open"], 2);
  EXPECT_EQ(rows[0]["overdue"], 1);  // c3's deadline has passed
  EXPECT_EQ(rows[0]["next_deadline"], "2026-11-10");
}

TEST(ConsoleModelTest, VisitOutcomesReasonsRateAndPerformedTime) {
  DashboardModel model;
  model.Apply(Provider("p1", "Attendo", 1));
  model.Apply(Decided("c1", 600));
  model.Apply(Start("a1", "c1", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  model.Apply(Accepted("p1", 45));
  model.Apply(Accepted("p1", 30, "OUTSIDE_HOURS"));
  model.Apply(Rejected("NO_ACTIVE_ASSIGNMENT"));
  model.Apply(Rejected("NO_ACTIVE_ASSIGNMENT"));
  model.Apply(Rejected("DUPLICATE"));
  // A correction replaces the 45 minutes with 60.
  vv1::VisitEvent corrected;
  *corrected.mutable_visit_corrected()->mutable_previous() =
      Accepted("p1", 45).visit_accepted().visit();
  *corrected.mutable_visit_corrected()->mutable_visit() =
      Accepted("p1", 60).visit_accepted().visit();
  model.Apply(corrected);

  nlohmann::json v = model.Snapshot(kNow)["visits"];
  EXPECT_EQ(v["accepted"], 2);
  EXPECT_EQ(v["accepted_with_exceptions"], 1);
  EXPECT_EQ(v["rejected"], 3);
  EXPECT_EQ(v["corrected"], 1);
  EXPECT_EQ(v["rejections"][0]["reason"], "DUPLICATE");
  EXPECT_EQ(v["rejections"][1]["reason"], "NO_ACTIVE_ASSIGNMENT");
  EXPECT_EQ(v["rejections"][1]["count"], 2);
  EXPECT_EQ(v["exceptions"][0]["code"], "OUTSIDE_HOURS");
  EXPECT_EQ(v["reports_last_5_min"], 5);
  EXPECT_EQ(v["time_month"], "2026-11");
  ASSERT_EQ(v["performed_vs_granted"].size(), 1u);
  EXPECT_EQ(v["performed_vs_granted"][0]["performed_minutes"], 90);
  EXPECT_EQ(v["performed_vs_granted"][0]["granted_minutes"], 600);
}

// A decision revised from a date (choice's DecisionRevised): the new
// decision's granted minutes are the ones shown.
TEST(ConsoleModelTest, ARevisedDecisionsGrantedMinutesAreShown) {
  DashboardModel model;
  model.Apply(Provider("p1", "Attendo", 1));
  const cv1::ChoiceEvent decision = Decided("c1", 600);
  model.Apply(decision);
  cv1::ChoiceEvent revised;
  auto* r = revised.mutable_decision_revised();
  r->set_client_id("c1");
  *r->mutable_ended() = decision.decision_registered().decision();
  auto* now = r->mutable_decision()->add_categories();
  now->set_category_id("service");
  now->set_minutes_per_month(900);
  model.Apply(revised);
  model.Apply(Start("a1", "c1", "p1", cv1::ASSIGNMENT_REASON_CHOSEN));
  model.Apply(Accepted("p1", 45));

  nlohmann::json v = model.Snapshot(kNow)["visits"];
  ASSERT_EQ(v["performed_vs_granted"].size(), 1u);
  EXPECT_EQ(v["performed_vs_granted"][0]["granted_minutes"], 900);
}

TEST(ConsoleModelTest, StatementsComparedWithTheSameMonthAYearEarlier) {
  DashboardModel model;
  model.Apply(Provider("p1", "Attendo", 1));
  model.Apply(Approved("p1", "2025-10", 4000000));
  model.Apply(Approved("p1", "2026-10", 4851250));
  model.Apply(Previewed("p1", "2026-10", 1));  // an approved one is locked
  nlohmann::json s = model.Snapshot(kNow)["settlement"];
  ASSERT_EQ(s["statements"].size(), 2u);
  EXPECT_EQ(s["statements"][1]["period"], "2026-10");
  EXPECT_EQ(s["statements"][1]["status"], "approved");
  EXPECT_EQ(s["statements"][1]["total_ore"], 4851250);
  EXPECT_EQ(s["statements"][1]["previous_year_ore"], 4000000);
  EXPECT_EQ(s["monthly_approved"][1]["previous_year_ore"], 4000000);
}

// Previews publish nothing: a statement not yet approved is shown from its
// visits, "open" while its month runs and "awaiting approval" after it.
TEST(ConsoleModelTest, StatementsNotYetApprovedAreShownFromTheirVisits) {
  DashboardModel model;
  model.Apply(Provider("p1", "Attendo", 1));
  model.Apply(Provider("p2", "Tiohundra", 1));
  auto visit = [](const std::string& provider, const std::string& period) {
    vv1::VisitEvent e = Accepted(provider, 30);
    e.mutable_visit_accepted()->mutable_visit()->set_period(period);
    return e;
  };
  model.Apply(visit("p1", "2026-10"));
  model.Apply(Approved("p1", "2026-10", 4851250));
  model.Apply(visit("p2", "2026-10"));  // October is over (kNow: 18 Nov)
  model.Apply(visit("p2", "2026-11"));  // November runs
  model.Apply(visit("p1", "2026-09"));  // its only visit voided: none due
  vv1::VisitEvent voided;
  voided.mutable_visit_voided()->mutable_previous()->set_provider_id("p1");
  voided.mutable_visit_voided()->mutable_previous()->set_period("2026-09");
  model.Apply(voided);
  nlohmann::json s = model.Snapshot(kNow)["settlement"];
  ASSERT_EQ(s["statements"].size(), 3u) << s.dump();
  EXPECT_EQ(s["statements"][0]["provider"], "Attendo");
  EXPECT_EQ(s["statements"][0]["period"], "2026-10");
  EXPECT_EQ(s["statements"][0]["status"], "approved");
  EXPECT_EQ(s["statements"][0]["total_ore"], 4851250);
  EXPECT_EQ(s["statements"][1]["provider"], "Tiohundra");
  EXPECT_EQ(s["statements"][1]["period"], "2026-10");
  EXPECT_EQ(s["statements"][1]["status"], "awaiting-approval");
  EXPECT_TRUE(s["statements"][1]["total_ore"].is_null());
  EXPECT_EQ(s["statements"][2]["period"], "2026-11");
  EXPECT_EQ(s["statements"][2]["status"], "open");
  // Only approved amounts count in the monthly totals.
  ASSERT_EQ(s["monthly_approved"].size(), 1u);
  EXPECT_EQ(s["monthly_approved"][0]["total_ore"], 4851250);
}

// A settlement of old published its previews: such an event still shows
// the statement as previewed, with the previewed amount.
TEST(ConsoleModelTest, AnOldPreviewEventStillShowsThePreviewedAmount) {
  DashboardModel model;
  model.Apply(Provider("p2", "Tiohundra", 1));
  model.Apply(Previewed("p2", "2026-10", 1234567));
  nlohmann::json s = model.Snapshot(kNow)["settlement"];
  ASSERT_EQ(s["statements"].size(), 1u);
  EXPECT_EQ(s["statements"][0]["status"], "previewed");
  EXPECT_EQ(s["statements"][0]["total_ore"], 1234567);
}

// The month-end run: prepared, then approved with one provider refused;
// a run prepared again replaces the one before.
TEST(ConsoleModelTest, MonthEndRunShowsPreparedThenPartlyApproved) {
  DashboardModel model;
  auto prepared = [](const std::string& digest) {
    sv1::SettlementEvent e;
    auto* run = e.mutable_month_run_prepared()->mutable_run();
    run->set_period("2026-10");
    run->set_run_digest(digest);
    run->add_providers()->set_provider_id("p1");
    run->add_providers()->set_provider_id("p2");
    run->set_total_ore(500000);
    return e;
  };
  model.Apply(prepared("d1"));
  nlohmann::json s = model.Snapshot(kNow)["settlement"];
  ASSERT_EQ(s["month_runs"].size(), 1u) << s.dump();
  EXPECT_EQ(s["month_runs"][0]["status"], "prepared");
  EXPECT_EQ(s["month_runs"][0]["providers"], 2);
  EXPECT_EQ(s["month_runs"][0]["total_ore"], 500000);

  sv1::SettlementEvent approved;
  auto* a = approved.mutable_month_run_approved()->mutable_approval();
  a->set_period("2026-10");
  a->set_run_digest("d1");
  a->add_approved()->set_provider_id("p1");
  a->add_refused()->set_provider_id("p2");
  a->set_approved_total_ore(300000);
  model.Apply(approved);
  s = model.Snapshot(kNow)["settlement"];
  EXPECT_EQ(s["month_runs"][0]["status"], "partly-approved");
  EXPECT_EQ(s["month_runs"][0]["approved"], 1);
  EXPECT_EQ(s["month_runs"][0]["refused"], 1);
  EXPECT_EQ(s["month_runs"][0]["approved_total_ore"], 300000);

  model.Apply(prepared("d2"));  // prepared again after the refusal
  s = model.Snapshot(kNow)["settlement"];
  EXPECT_EQ(s["month_runs"][0]["status"], "prepared");
  EXPECT_EQ(s["month_runs"][0]["approved"], 0);
}

}  // namespace
}  // namespace lov::console
