// The console's follow-up board: overdue counts worked out by hand from
// records whose deadlines lie before, on and after "today", continuity as
// the follow-up service published it, and "today" as the Stockholm date
// (summer time included).
#include "lov/console/domain/followup_board.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "lov/console/domain/dashboard_model.h"

namespace lov::console {
namespace {

namespace fv1 = ::lov::followup::v1;
using json = nlohmann::json;

fv1::FollowupEvent Complaint(const std::string& id, const std::string& provider,
                             const std::string& due,
                             fv1::ComplaintStatus status, int64_t version) {
  fv1::FollowupEvent e;
  fv1::Complaint* c =
      version == 1 ? e.mutable_complaint_registered()->mutable_complaint()
                   : e.mutable_complaint_status_changed()->mutable_complaint();
  c->set_complaint_id(id);
  c->set_client_id("client-7");
  c->set_provider_id(provider);
  c->set_reply_due_date(due);
  c->set_status(status);
  c->set_version(version);
  return e;
}

fv1::FollowupEvent Deviation(const std::string& id, const std::string& provider,
                             const std::string& ivo_due,
                             const std::string& ivo_reported) {
  fv1::FollowupEvent e;
  fv1::Deviation* d =
      ivo_reported.empty()
          ? e.mutable_deviation_reported()->mutable_deviation()
          : e.mutable_deviation_reported_to_ivo()->mutable_deviation();
  d->set_deviation_id(id);
  d->set_provider_id(provider);
  d->set_kind(ivo_due.empty() ? fv1::DEVIATION_KIND_DEVIATION
                              : fv1::DEVIATION_KIND_LEX_SARAH);
  // Only a serious lex Sarah report has an IVO deadline.
  d->set_severity(ivo_due.empty() ? fv1::SEVERITY_MINOR
                                  : fv1::SEVERITY_SERIOUS);
  d->set_ivo_due_date(ivo_due);
  d->set_ivo_reported_date(ivo_reported);
  d->set_version(ivo_reported.empty() ? 1 : 2);
  return e;
}

fv1::FollowupEvent Indicators(const std::string& provider,
                              const std::string& zone, const std::string& as_of,
                              int clients, double median) {
  fv1::FollowupEvent e;
  fv1::ProviderIndicators* i =
      e.mutable_provider_indicators_published()->mutable_indicators();
  i->set_provider_id(provider);
  i->set_zone_id(zone);
  i->set_as_of(as_of);
  i->set_continuity_from_date("2025-03-06");
  i->set_continuity_clients(clients);
  i->set_median_staff(median);
  i->set_visits(400);
  i->set_visits_with_exceptions(12);
  return e;
}

// A follow-up of prv-a done with three findings: f1's plan is late, f2's
// came in, f3 needs none.
fv1::FollowupEvent DoneFollowUp() {
  fv1::FollowupEvent e;
  fv1::FollowUp* f = e.mutable_follow_up_completed()->mutable_follow_up();
  f->set_follow_up_id("fu-1");
  f->set_provider_id("prv-a");
  f->set_status(fv1::FOLLOW_UP_STATUS_DONE);
  f->set_version(2);
  fv1::Finding* f1 = f->add_findings();
  f1->set_finding_id("fu-1/f1");
  f1->set_requires_action_plan(true);
  f1->set_action_plan_due_date("2025-03-19");
  fv1::Finding* f2 = f->add_findings();
  f2->set_finding_id("fu-1/f2");
  f2->set_requires_action_plan(true);
  f2->set_action_plan_due_date("2025-03-19");
  f2->set_action_plan_received_date("2025-03-18");
  f->add_findings()->set_finding_id("fu-1/f3");
  return e;
}

std::string Name(const std::string& id) {
  return id == "prv-a" ? "Attendo" : id;
}

TEST(FollowupBoardTest, CountsWhatIsOverdueOnTheDayAfterItsDeadline) {
  FollowupBoard board;
  // prv-a: due yesterday and open (overdue); due today (not yet).
  board.Apply(Complaint("cmp-1", "prv-a", "2025-03-19",
                        fv1::COMPLAINT_STATUS_RECEIVED, 1));
  board.Apply(Complaint("cmp-2", "prv-a", "2025-03-20",
                        fv1::COMPLAINT_STATUS_INVESTIGATING, 1));
  // prv-b: long overdue but answered; its first version arrives late and
  // does not reopen it.
  board.Apply(Complaint("cmp-3", "prv-b", "2025-03-10",
                        fv1::COMPLAINT_STATUS_ANSWERED, 2));
  board.Apply(Complaint("cmp-3", "prv-b", "2025-03-10",
                        fv1::COMPLAINT_STATUS_RECEIVED, 1));
  // prv-b: one lex Sarah report late at IVO, one reported; prv-a: an
  // ordinary deviation (no IVO deadline).
  board.Apply(Deviation("dev-1", "prv-b", "2025-03-15", ""));
  board.Apply(Deviation("dev-2", "prv-b", "2025-03-15", "2025-03-14"));
  board.Apply(Deviation("dev-3", "prv-a", "", ""));
  board.Apply(DoneFollowUp());

  const json s = board.Snapshot(absl::CivilDay(2025, 3, 20), Name);
  EXPECT_EQ(s["as_of"], "2025-03-20");
  EXPECT_EQ(s["complaints"], 3);
  EXPECT_EQ(s["complaints_open"], 2);
  EXPECT_EQ(s["complaints_overdue"], 1);
  EXPECT_EQ(s["deviations"], 3);
  EXPECT_EQ(s["ivo_reports_overdue"], 1);
  EXPECT_EQ(s["follow_ups"], 1);
  EXPECT_EQ(s["action_plans_overdue"], 1);
  ASSERT_EQ(s["overdue_by_provider"].size(), 2u);
  EXPECT_EQ(s["overdue_by_provider"][0], (json{{"provider_id", "prv-a"},
                                               {"provider", "Attendo"},
                                               {"complaints", 1},
                                               {"ivo_reports", 0},
                                               {"action_plans", 1}}));
  EXPECT_EQ(s["overdue_by_provider"][1], (json{{"provider_id", "prv-b"},
                                               {"provider", "prv-b"},
                                               {"complaints", 0},
                                               {"ivo_reports", 1},
                                               {"action_plans", 0}}));
  ASSERT_EQ(s["overdue_action_plans"].size(), 1u);
  EXPECT_EQ(s["overdue_action_plans"][0]["finding_id"], "fu-1/f1");
  EXPECT_EQ(s["overdue_action_plans"][0]["due_date"], "2025-03-19");
  // No client id reaches the dashboard.
  EXPECT_EQ(s.dump().find("client-7"), std::string::npos);

  // The day before, only the IVO report was late (due 03-15).
  const json before = board.Snapshot(absl::CivilDay(2025, 3, 19), Name);
  EXPECT_EQ(before["complaints_overdue"], 0);
  EXPECT_EQ(before["ivo_reports_overdue"], 1);
  EXPECT_EQ(before["action_plans_overdue"], 0);
}

TEST(FollowupBoardTest, ShowsEachProvidersLatestAllZonesContinuity) {
  FollowupBoard board;
  board.Apply(Indicators("prv-a", "", "2025-03-20", 4, 7.5));
  board.Apply(Indicators("prv-a", "north", "2025-03-20", 2, 3));  // a zone
  board.Apply(Indicators("prv-a", "", "2025-03-19", 9, 11));      // older
  board.Apply(Indicators("prv-b", "", "2025-03-20", 0, 0));
  const json c =
      board.Snapshot(absl::CivilDay(2025, 3, 20), Name)["continuity"];
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]["provider"], "Attendo");
  EXPECT_EQ(c[0]["as_of"], "2025-03-20");
  EXPECT_EQ(c[0]["from_date"], "2025-03-06");
  EXPECT_EQ(c[0]["clients"], 4);
  EXPECT_EQ(c[0]["median_staff"], 7.5);
  EXPECT_EQ(c[0]["visits_with_exceptions"], 12);
  EXPECT_EQ(c[1]["provider_id"], "prv-b");
  EXPECT_EQ(c[1]["clients"], 0);
}

// "Today" is the Stockholm date: on the night summer time begins
// (2025-03-30), 21:30 UTC is still the 30th (23:30 CEST), 22:30 UTC is
// already the 31st; a reply due on the 30th is overdue only then.
TEST(FollowupBoardTest, TheDashboardsTodayIsTheStockholmDate) {
  DashboardModel model;
  model.Apply(Complaint("cmp-1", "prv-a", "2025-03-30",
                        fv1::COMPLAINT_STATUS_RECEIVED, 1));
  auto at = [](int hour, int minute) {
    return absl::FromCivil(absl::CivilSecond(2025, 3, 30, hour, minute, 0),
                           absl::UTCTimeZone());
  };
  EXPECT_EQ(model.Snapshot(at(21, 30))["followup"]["complaints_overdue"], 0);
  EXPECT_EQ(model.Snapshot(at(22, 30))["followup"]["complaints_overdue"], 1);
  EXPECT_EQ(model.Snapshot(at(22, 30))["followup"]["as_of"], "2025-03-31");
}

}  // namespace
}  // namespace lov::console
