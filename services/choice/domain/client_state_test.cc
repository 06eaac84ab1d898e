// A client's state as the fold of its events, and decision validation.
#include "lov/choice/domain/client_state.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace lov::choice {
namespace {

registry::v1::Municipality Municipality() {
  registry::v1::Municipality m;
  m.add_zones()->set_zone_id("north");
  m.add_categories()->set_category_id("service");
  m.add_categories()->set_category_id("care");
  return m;
}

v1::Decision Decision() {
  v1::Decision d;
  d.set_decision_id("dec-1");
  auto* g = d.add_categories();
  g->set_category_id("service");
  g->set_minutes_per_month(600);
  d.set_valid_from("2025-03-01");
  d.set_decided_on("2025-02-20");
  return d;
}

v1::Assignment Assignment(const std::string& id, const std::string& provider,
                          const std::string& from) {
  v1::Assignment a;
  a.set_assignment_id(id);
  a.set_client_id("cli-1");
  a.set_provider_id(provider);
  a.set_zone_id("north");
  a.add_category_ids("service");
  a.set_valid_from(from);
  return a;
}

TEST(ApplyEvent, FoldsAClientsLife) {
  v1::Client c;
  int64_t version = 0;
  auto apply = [&](v1::ChoiceEvent e) {
    e.set_aggregate_version(++version);
    ApplyEvent(e, &c);
  };
  v1::ChoiceEvent e;
  e.mutable_client_registered()->set_client_id("cli-1");
  e.mutable_client_registered()->set_zone_id("north");
  apply(e);
  e.Clear();
  *e.mutable_decision_registered()->mutable_decision() = Decision();
  apply(e);
  e.Clear();
  *e.mutable_assignment_started()->mutable_assignment() =
      Assignment("asg-1", "prv-a", "2025-03-01");
  apply(e);
  EXPECT_EQ(CurrentAssignment(c, "service", "2025-03-10")->provider_id(),
            "prv-a");

  // Re-choice to prv-b from 2025-03-25: prv-a ends on the 24th.
  e.Clear();
  auto* started = e.mutable_assignment_started();
  *started->mutable_assignment() = Assignment("asg-2", "prv-b", "2025-03-25");
  started->mutable_assignment()->set_reason(v1::ASSIGNMENT_REASON_RE_CHOSEN);
  *started->mutable_ended() = Assignment("asg-1", "prv-a", "2025-03-01");
  started->mutable_ended()->set_valid_to("2025-03-24");
  started->set_reported_on("2025-03-11");
  apply(e);
  ASSERT_EQ(c.assignments_size(), 2);
  EXPECT_EQ(c.assignments(0).valid_to(), "2025-03-24");
  EXPECT_EQ(c.rechoices_reported_on(0), "2025-03-11");
  // The pending one is "current" from the day it is reported.
  EXPECT_EQ(CurrentAssignment(c, "service", "2025-03-12")->provider_id(),
            "prv-b");
  EXPECT_EQ(AssignmentsFrom(c, "2025-03-25").size(), 1u);
  EXPECT_EQ(AssignmentsFrom(c, "2025-03-24").size(), 2u);

  e.Clear();
  auto* opened = e.mutable_rechoice_case_opened();
  opened->set_case_id("rc-1");
  opened->set_provider_id("prv-b");
  opened->set_deadline("2025-05-17");
  opened->set_effective_date("2025-06-01");
  apply(e);
  ASSERT_NE(OpenCase(c), nullptr);
  EXPECT_EQ(OpenCase(c)->deadline(), "2025-05-17");
  e.Clear();
  e.mutable_rechoice_case_closed()->set_case_id("rc-1");
  e.mutable_rechoice_case_closed()->set_outcome("allocated");
  apply(e);
  EXPECT_EQ(OpenCase(c), nullptr);
  EXPECT_EQ(c.cases(0).outcome(), "allocated");

  e.Clear();
  e.mutable_client_ended()->set_reason(v1::END_REASON_CLIENT_DECEASED);
  e.mutable_client_ended()->set_effective_date("2025-07-03");
  apply(e);
  EXPECT_EQ(c.status(), v1::CLIENT_STATUS_ENDED);
  EXPECT_EQ(c.ended_on(), "2025-07-03");
  EXPECT_EQ(c.version(), 7);
}

TEST(ValidateDecision, ADecisionCannotEndBeforeItStarts) {
  v1::Decision d = Decision();
  d.set_valid_to("2025-02-28");
  absl::Status s = ValidateDecision(d, Municipality());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "decision.valid_to: a decision cannot end (2025-02-28) before it "
            "starts (2025-03-01)");
  d.set_valid_to("2025-03-01");  // a one-day decision is fine
  EXPECT_TRUE(ValidateDecision(d, Municipality()).ok());
}

TEST(ValidateDecision, NamesTheFieldAndTheRule) {
  v1::Decision d = Decision();
  d.mutable_categories(0)->set_category_id("gardening");
  EXPECT_NE(
      ValidateDecision(d, Municipality())
          .message()
          .find("decision.categories: unknown service category 'gardening'"),
      absl::string_view::npos);
  d = Decision();
  d.mutable_categories(0)->set_minutes_per_month(0);
  EXPECT_NE(ValidateDecision(d, Municipality()).message().find("positive"),
            absl::string_view::npos);
  d = Decision();
  d.set_valid_from("2025-02-30");
  EXPECT_NE(
      ValidateDecision(d, Municipality()).message().find("decision.valid_from"),
      absl::string_view::npos);
  d = Decision();
  d.clear_categories();
  EXPECT_FALSE(ValidateDecision(d, Municipality()).ok());
}

// The support level per granted category: optional, a short code of the
// rulebook (it goes into the events as it is), never free text or a
// personnummer.
TEST(ValidateDecision, ASupportLevelIsACodeOrNothing) {
  v1::Decision d = Decision();
  EXPECT_TRUE(ValidateDecision(d, Municipality()).ok());  // none decided
  for (const char* level : {"niva-2", "L3", "dv_niva.4",
                            "abcdefghijklmnopqrstuvwxyz0123456789ABCD"}) {
    d.mutable_categories(0)->set_support_level(level);
    EXPECT_TRUE(ValidateDecision(d, Municipality()).ok()) << level;
  }
  for (const char* level : {"nivå 2", "niva 2", "niva-2\n",
                            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE"}) {
    d.mutable_categories(0)->set_support_level(level);
    EXPECT_EQ(ValidateDecision(d, Municipality()).message(),
              "decision.categories: the support level of 'service' must be a "
              "code of at most 40 ASCII letters, digits, '-', '_' and '.' "
              "(e.g. niva-2)")
        << level;
  }
  d.mutable_categories(0)->set_support_level("194001011230");
  EXPECT_EQ(ValidateDecision(d, Municipality()).message(),
            "decision.categories: the support level of 'service' must not "
            "contain a personal identity number");
}

TEST(ZoneOn, AMoveCountsFromItsEffectiveDate) {
  v1::Client c;
  v1::ChoiceEvent e;
  auto* r = e.mutable_client_registered();
  r->set_client_id("cli-1");
  r->set_zone_id("north");
  ApplyEvent(e, &c);
  EXPECT_EQ(ZoneOn(c, "2025-03-01"), "north");  // no moves

  // Recorded in March, to the south from April, then back north from June.
  for (auto [from, to, day] : {std::tuple{"north", "south", "2025-04-01"},
                               std::tuple{"south", "north", "2025-06-01"}}) {
    v1::ChoiceEvent moved;
    auto* m = moved.mutable_client_zone_changed();
    m->set_client_id("cli-1");
    m->set_previous_zone_id(from);
    m->set_zone_id(to);
    m->set_effective_date(day);
    ApplyEvent(moved, &c);
  }
  EXPECT_EQ(c.zone_id(), "north");  // after the latest move
  ASSERT_EQ(c.zone_moves_size(), 2);
  EXPECT_EQ(c.zone_moves(0).effective_date(), "2025-04-01");
  EXPECT_EQ(ZoneOn(c, "2025-03-31"), "north");
  EXPECT_EQ(ZoneOn(c, "2025-04-01"), "south");
  EXPECT_EQ(ZoneOn(c, "2025-05-31"), "south");
  EXPECT_EQ(ZoneOn(c, "2025-06-01"), "north");
}

TEST(GrantedMinutes, SumsTheCategoriesOfTheDecisionForTheDay) {
  v1::Client c;
  v1::Decision first = Decision();  // service 600 min from 2025-03-01
  auto* care = first.add_categories();
  care->set_category_id("care");
  care->set_minutes_per_month(900);
  first.set_valid_to("2025-05-31");
  *c.add_decisions() = first;
  v1::Decision second = Decision();  // more service from June
  second.set_decision_id("dec-2");
  second.mutable_categories(0)->set_minutes_per_month(1200);
  second.set_valid_from("2025-06-01");
  *c.add_decisions() = second;

  EXPECT_EQ(GrantedMinutes(c, {"service"}, "2025-03-15"), 600);
  EXPECT_EQ(GrantedMinutes(c, {"service", "care"}, "2025-03-15"), 1500);
  EXPECT_EQ(GrantedMinutes(c, {"care"}, "2025-06-01"), 0);  // not granted
  EXPECT_EQ(GrantedMinutes(c, {"service"}, "2025-06-01"), 1200);
  EXPECT_EQ(GrantedMinutes(c, {"service"}, "2025-02-01"), 600);  // next one
  EXPECT_EQ(GrantedMinutes(v1::Client(), {"service"}, "2025-03-15"), 0);
}

TEST(HeldSlots, LastUntilTheLastAssignmentAndGiveBackCancelledOnes) {
  v1::Client c;
  *c.add_decisions() = Decision();  // service 600 min from 2025-03-01
  // With a: ended 2025-04-30, then again open-ended from 2025-06-01.
  v1::Assignment ended = Assignment("asg-1", "prv-a", "2025-03-10");
  ended.set_valid_to("2025-04-30");
  *c.add_assignments() = ended;
  *c.add_assignments() = Assignment("asg-2", "prv-a", "2025-06-01");
  // With b: cancelled before its first day.
  v1::Assignment cancelled = Assignment("asg-3", "prv-b", "2025-05-01");
  cancelled.set_valid_to("2025-04-30");
  *c.add_assignments() = cancelled;
  // With c: ends 2025-05-31.
  v1::Assignment closing = Assignment("asg-4", "prv-c", "2025-03-10");
  closing.set_valid_to("2025-05-31");
  *c.add_assignments() = closing;

  const std::vector<HeldSlot> slots = HeldSlots(c);
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].provider_id, "prv-a");
  EXPECT_EQ(slots[0].zone_id, "north");
  EXPECT_EQ(slots[0].last_day, kOpenEnded);
  EXPECT_EQ(slots[0].minutes, 600);
  EXPECT_EQ(slots[1].provider_id, "prv-b");
  EXPECT_EQ(slots[1].last_day, -1);
  EXPECT_EQ(slots[2].provider_id, "prv-c");
  EXPECT_EQ(slots[2].last_day, DayNumber("2025-05-31"));
  EXPECT_EQ(slots[2].minutes, 600);
}

TEST(DayNumber, CountsDaysSince1970) {
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 2, 1)), 31);
  EXPECT_EQ(DayNumber("1971-01-01"), 365);
  EXPECT_EQ(DayNumber(""), kOpenEnded);
}

}  // namespace
}  // namespace lov::choice
