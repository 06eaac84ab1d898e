#include "lov/settlement/domain/month_inputs.h"

#include <gtest/gtest.h>

namespace lov::settlement {
namespace {

using visits::v1::Visit;
using visits::v1::VisitEvent;

Visit V(const std::string& id, int64_t version,
        const std::string& period = "2026-10") {
  Visit v;
  v.set_visit_id(id);
  v.set_provider_id("prv-1");
  v.set_version(version);
  v.set_period(period);
  return v;
}

VisitEvent Accepted(const Visit& v) {
  VisitEvent e;
  e.set_event_id("acc-" + v.visit_id());
  *e.mutable_visit_accepted()->mutable_visit() = v;
  return e;
}

VisitEvent Corrected(const Visit& from, const Visit& to) {
  VisitEvent e;
  e.set_event_id("cor-" + to.visit_id() + "-" + std::to_string(to.version()));
  *e.mutable_visit_corrected()->mutable_previous() = from;
  *e.mutable_visit_corrected()->mutable_visit() = to;
  return e;
}

VisitEvent Voided(const Visit& from) {
  VisitEvent e;
  e.set_event_id("void-" + from.visit_id());
  *e.mutable_visit_voided()->mutable_previous() = from;
  e.mutable_visit_voided()->set_period(from.period());
  return e;
}

TEST(MonthInputs, FormatAndParseRoundTrip) {
  const MonthInputs in = {{"a", {3, true}}, {"b", {1, false}}};
  const std::vector<std::string> text = FormatMonthInputs(in);
  EXPECT_EQ(text, (std::vector<std::string>{"a@3", "b@1:gone"}));
  absl::StatusOr<MonthInputs> back = ParseMonthInputs(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, in);
}

TEST(MonthInputs, AMalformedEntryIsNamed) {
  for (const std::string bad : {"a", "@3", "a@", "a@x", "a@-1", "a@3:lost"}) {
    absl::StatusOr<MonthInputs> parsed = ParseMonthInputs({"ok@1", bad});
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("visit_versions[1]"),
              std::string::npos)
        << parsed.status();
  }
}

TEST(MonthInputs, InputsAreTheVisitsReadAndTheOnesTheMonthLost) {
  // a: in the month at version 2; b: voided at version 1; c: moved to
  // November by version 2; d: voided, then back by a correction from
  // another month (present again).
  const std::vector<Visit> visits = {V("a", 2), V("d", 3)};
  const std::vector<VisitEvent> events = {
      Accepted(V("a", 1)),           Corrected(V("a", 1), V("a", 2)),
      Accepted(V("b", 1)),           Voided(V("b", 1)),
      Accepted(V("c", 1)),           Corrected(V("c", 1), V("c", 2, "2026-11")),
      Accepted(V("d", 1)),           Corrected(V("d", 1), V("d", 2, "2026-11")),
      Accepted(V("x", 1, "2026-11"))};  // another month's: ignored
  const MonthInputs in = InputsOf(visits, events, "2026-10");
  EXPECT_EQ(in, (MonthInputs{{"a", {2, true}},
                             {"b", {1, false}},
                             {"c", {2, false}},
                             {"d", {3, true}}}));
}

TEST(MonthInputs, AChangeIsCountedUpToTheStateTheStatementSaw) {
  const MonthInputs in = {{"a", {2, true}}, {"b", {1, false}}};
  const std::string m = "2026-10";
  EXPECT_TRUE(Counted(in, Accepted(V("a", 1)), m));
  EXPECT_TRUE(Counted(in, Corrected(V("a", 1), V("a", 2)), m));
  EXPECT_FALSE(Counted(in, Corrected(V("a", 2), V("a", 3)), m));
  EXPECT_FALSE(Counted(in, Voided(V("a", 2)), m));  // gone after 2 > at 2
  EXPECT_TRUE(Counted(in, Voided(V("b", 1)), m));
  EXPECT_FALSE(Counted(in, Accepted(V("z", 1)), m));  // not in the month then
  VisitEvent rejected;
  rejected.mutable_visit_rejected()->set_report_id("r");
  EXPECT_TRUE(Counted(in, rejected, m));  // pays nothing either way
}

TEST(MonthInputs, ReconcileTurnsUncountedChangesIntoAdjustments) {
  const std::string m = "2026-10";
  // The statement saw a@1 and b@2. After it: a corrected twice, b moved
  // to November, c reported late, d (counted) left alone.
  const MonthInputs in = {{"a", {1, true}}, {"b", {2, true}}, {"d", {1, true}}};
  const std::vector<VisitEvent> events = {
      Corrected(V("a", 2), V("a", 3)),  // applied first: order is no matter
      Accepted(V("a", 1)),
      Corrected(V("a", 1), V("a", 2)),
      Accepted(V("b", 1)),
      Corrected(V("b", 1), V("b", 2)),
      Corrected(V("b", 2), V("b", 3, "2026-11")),
      Accepted(V("c", 1)),
      Accepted(V("d", 1))};
  const Reconciliation r = Reconcile(in, events, m);
  std::vector<std::string> ids;
  for (const VisitEvent& e : r.adjustments) ids.push_back(e.event_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"cor-a-2", "cor-a-3", "cor-b-3",
                                           "acc-c"}));
  ASSERT_EQ(r.restore.size(), 2u);
  EXPECT_EQ(r.restore[0].visit_id(), "a");
  EXPECT_EQ(r.restore[0].version(), 1);
  EXPECT_EQ(r.restore[1].visit_id(), "b");
  EXPECT_EQ(r.restore[1].version(), 2);
  EXPECT_EQ(r.restore[1].period(), m);
  EXPECT_EQ(r.remove, (std::vector<std::string>{"c"}));
  ASSERT_EQ(r.remove_elsewhere.size(), 1u);
  EXPECT_EQ(r.remove_elsewhere[0].visit_id(), "b");
  EXPECT_EQ(r.remove_elsewhere[0].period(), "2026-11");
  EXPECT_TRUE(r.unresolved.empty());
}

TEST(MonthInputs, NothingToDoWhenEveryChangeWasCounted) {
  const std::vector<VisitEvent> events = {Accepted(V("a", 1)),
                                          Corrected(V("a", 1), V("a", 2))};
  const Reconciliation r = Reconcile({{"a", {2, true}}}, events, "2026-10");
  EXPECT_TRUE(r.adjustments.empty());
  EXPECT_TRUE(r.restore.empty());
  EXPECT_TRUE(r.remove.empty());
}

TEST(MonthInputs, APaidVersionNoEventHoldsIsReported) {
  // Only an uncounted void of a@2 is known, and it holds a@2: resolved;
  // a correction of b from 3 whose paid version 2 no event holds is not.
  const Reconciliation r = Reconcile(
      {{"a", {2, true}}, {"b", {2, true}}},
      {Voided(V("a", 2)), Corrected(V("b", 3), V("b", 4))}, "2026-10");
  ASSERT_EQ(r.restore.size(), 1u);
  EXPECT_EQ(r.restore[0].visit_id(), "a");
  EXPECT_EQ(r.unresolved, (std::vector<std::string>{"b@2"}));
}

}  // namespace
}  // namespace lov::settlement
