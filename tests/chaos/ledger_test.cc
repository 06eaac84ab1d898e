// The chaos checker's rules on hand-made events: each promise holds on a
// clean log and is broken by the one event that breaks it.
#include "ledger.h"

#include <gtest/gtest.h>

#include <string>

#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"

namespace lov::chaos {
namespace {

namespace vis = ::lov::visits::v1;
namespace stl = ::lov::settlement::v1;
namespace cho = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

CloudEvent On(const std::string& topic, const std::string& data,
              absl::Time at = kT0) {
  CloudEvent e;
  e.topic = topic;
  e.data = data;
  e.time = at;
  return e;
}

CloudEvent Accepted(const std::string& id, const std::string& category,
                    absl::Time at = kT0) {
  vis::VisitEvent e;
  e.set_aggregate_id(id);
  vis::Visit* v = e.mutable_visit_accepted()->mutable_visit();
  v->set_visit_id(id);
  v->set_provider_id("prv-1");
  v->set_category_id(category);
  v->set_period("2026-10");
  v->set_status(vis::VISIT_STATUS_PERFORMED);
  return On("lov.visits.events.v1", e.SerializeAsString(), at);
}

CloudEvent Rejected(const std::string& key, const std::string& reason) {
  vis::VisitEvent e;
  e.set_aggregate_id(key);
  e.mutable_visit_rejected()->set_reason_code(reason);
  return On("lov.visits.events.v1", e.SerializeAsString());
}

CloudEvent Rates() {
  stl::SettlementEvent e;
  auto* table = e.mutable_rate_table_version_added()->mutable_table();
  auto* hours = table->add_categories();
  hours->set_category_id("help");
  hours->set_model(stl::PAYMENT_MODEL_PERFORMED_HOURS);
  auto* granted = table->add_categories();
  granted->set_category_id("nursing");
  granted->set_model(stl::PAYMENT_MODEL_GRANTED_HOURS);
  return On("lov.settlement.events.v1", e.SerializeAsString());
}

// prv-1's October statement, approved at kT0 + 1 h, paying `visits` (as
// "<id>@1" sources of one time line); `in_part`: the sources in a
// StatementSourcesRecorded part instead of the line.
std::vector<CloudEvent> Approval(const std::vector<std::string>& visits,
                                 bool in_part = false) {
  const std::string id = "prv-1/2026-10";
  stl::SettlementEvent approved;
  auto* a = approved.mutable_statement_approved();
  a->set_statement_id(id);
  auto* s = a->mutable_statement();
  s->set_statement_id(id);
  s->set_provider_id("prv-1");
  s->set_period("2026-10");
  auto* line = s->add_lines();
  line->set_line_no(1);
  line->set_kind(stl::LINE_KIND_PERFORMED_TIME);
  stl::SettlementEvent part;
  auto* p = part.mutable_statement_sources_recorded();
  p->set_statement_id(id);
  p->set_part(1);
  p->set_parts(1);
  auto* ls = p->add_lines();
  ls->set_line_no(1);
  for (const auto& v : visits) {
    (in_part ? ls->add_sources() : line->add_sources())->assign(v + "@1");
  }
  line->add_sources("cli-1:2026-10-01..2026-10-31");  // no visit
  const absl::Time at = kT0 + absl::Hours(1);
  return {On("lov.settlement.events.v1", part.SerializeAsString(), at),
          On("lov.settlement.events.v1", approved.SerializeAsString(), at)};
}

CloudEvent CapOf(int max_clients) {
  reg::RegistryEvent e;
  reg::Provider* p = e.mutable_capacity_changed()->mutable_provider();
  p->set_provider_id("prv-1");
  auto* cap = p->add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(true);
  cap->set_max_clients(max_clients);
  cap->set_effective_date("2026-01-01");
  return On("lov.registry.events.v1", e.SerializeAsString());
}

CloudEvent Assigned(const std::string& id, const std::string& from,
                    const std::string& to = "") {
  cho::ChoiceEvent e;
  auto* a = e.mutable_assignment_started()->mutable_assignment();
  a->set_assignment_id(id);
  a->set_provider_id("prv-1");
  a->set_zone_id("north");
  a->set_valid_from(from);
  a->set_valid_to(to);
  return On("lov.choice.events.v1", e.SerializeAsString());
}

Findings CheckOf(const std::vector<CloudEvent>& events,
                 const std::string& ack_log = "") {
  Ledger ledger;
  for (const auto& e : events) ledger.Add(e);
  return ledger.Check(ParseAckLog(ack_log), !ack_log.empty());
}

TEST(ChaosLedger, ParsesTheAckLogAndSkipsACutOffLine) {
  auto acks =
      ParseAckLog("prv-1/a\taccepted\nprv-1/b\trejected\tBAD_TIME\nprv");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[1].visit_id, "prv-1/b");
  EXPECT_EQ(acks[1].kind, "rejected");
  EXPECT_EQ(acks[1].reason, "BAD_TIME");
}

TEST(ChaosLedger, AcknowledgedReportsEachDecidedOnce) {
  const Findings f = CheckOf(
      {Accepted("prv-1/a", "help"), Rejected("prv-1/b", "BAD_TIME"),
       Rejected("prv-1/a~f00d", "DUPLICATE_REPORT")},
      "prv-1/a\taccepted\nprv-1/a\taccepted\nprv-1/b\trejected\tBAD_TIME\n"
      "prv-1/a\trejected\tDUPLICATE_REPORT\nprv-1/c\tgiven_up\n");
  EXPECT_TRUE(f.ok());
  EXPECT_EQ(f.acknowledged, 3);
  EXPECT_EQ(f.given_up, 1);
}

// Rejections are on a topic of their own (lov.visits.rejected.v1); those
// written before it existed stay on the events topic. Both account.
TEST(ChaosLedger, RejectionsOnTheRejectedTopicAccountTheirReports) {
  CloudEvent moved = Rejected("prv-1/b", "BAD_TIME");
  moved.topic = "t1.lov.visits.rejected.v1";
  const Findings f = CheckOf(
      {Accepted("prv-1/a", "help"), moved, Rejected("prv-1/c", "BAD_TIME")},
      "prv-1/a\taccepted\nprv-1/b\trejected\tBAD_TIME\n"
      "prv-1/c\trejected\tBAD_TIME\n");
  EXPECT_TRUE(f.ok()) << f.lost << " lost";
  EXPECT_EQ(f.acknowledged, 3);
  EXPECT_EQ(f.lost, 0);
}

TEST(ChaosLedger, AnAcknowledgedReportMissingFromTheLogIsLost) {
  const Findings f = CheckOf({Accepted("prv-1/a", "help")},
                             "prv-1/a\taccepted\nprv-1/b\taccepted\n"
                             "prv-1/c\trejected\tDUPLICATE_REPORT\n");
  EXPECT_EQ(f.lost, 2);
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, AnAcknowledgementOtherThanTheLogsIsWrong) {
  const Findings f = CheckOf({Rejected("prv-1/a", "BAD_TIME")},
                             "prv-1/a\taccepted_with_exceptions\n");
  EXPECT_EQ(f.wrong_outcome, 1);
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, AVisitDecidedTwiceIsCaught) {
  const Findings f =
      CheckOf({Accepted("prv-1/a", "help"), Rejected("prv-1/a", "BAD_TIME")});
  EXPECT_EQ(f.decided_twice, 1);
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, EveryAcceptedVisitOnItsApprovedStatementOnce) {
  std::vector<CloudEvent> events = {Rates(), Accepted("prv-1/a", "help"),
                                    Accepted("prv-1/b", "nursing")};
  for (auto& e : Approval({"prv-1/a"}, /*in_part=*/true)) events.push_back(e);
  const Findings f = CheckOf(events);
  EXPECT_TRUE(f.ok()) << f.problems.size();
  EXPECT_EQ(f.paid_visits, 1);  // b: granted hours, not paid per visit
  EXPECT_EQ(f.approvals, 1);
}

TEST(ChaosLedger, AnAcceptedVisitMissingFromItsStatementIsUnpaid) {
  std::vector<CloudEvent> events = {Rates(), Accepted("prv-1/a", "help"),
                                    Accepted("prv-1/b", "help")};
  for (auto& e : Approval({"prv-1/a"})) events.push_back(e);
  // Accepted after the approval: it belongs to a later statement.
  events.push_back(Accepted("prv-1/c", "help", kT0 + absl::Hours(2)));
  const Findings f = CheckOf(events);
  EXPECT_EQ(f.unpaid, 1);
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, AStatementApprovedTwiceIsCaughtItsVisitsCountOnce) {
  std::vector<CloudEvent> events = {Rates(), Accepted("prv-1/a", "help")};
  for (auto& e : Approval({"prv-1/a"})) events.push_back(e);
  for (auto& e : Approval({"prv-1/a"})) events.push_back(e);
  const Findings f = CheckOf(events);
  EXPECT_EQ(f.double_approvals, 1);
  EXPECT_EQ(f.double_paid, 0);  // the dedupe key is the statement id
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, TwoVersionsOfAVisitOnOneStatementArePaidTwice) {
  std::vector<CloudEvent> events = {Rates(), Accepted("prv-1/a", "help")};
  auto approval = Approval({"prv-1/a"});
  stl::SettlementEvent e;
  ASSERT_TRUE(e.ParseFromString(approval[1].data));
  e.mutable_statement_approved()
      ->mutable_statement()
      ->mutable_lines(0)
      ->add_sources("prv-1/a@2");
  approval[1].data = e.SerializeAsString();
  for (auto& a : approval) events.push_back(a);
  EXPECT_EQ(CheckOf(events).double_paid, 1);
}

TEST(ChaosLedger, NoDayOverTheCap) {
  // Two clients on 10-01; the first leaves on 10-09, the third comes 10-10.
  const Findings ok =
      CheckOf({CapOf(2), Assigned("a1", "2026-10-01", "2026-10-09"),
               Assigned("a2", "2026-10-01"), Assigned("a3", "2026-10-10")});
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.cap_checks, 2);
  const Findings over =
      CheckOf({CapOf(2), Assigned("a1", "2026-10-01", "2026-10-10"),
               Assigned("a2", "2026-10-01"), Assigned("a3", "2026-10-10")});
  EXPECT_EQ(over.cap_violations, 1);
  EXPECT_FALSE(over.ok());
}

// prv-1 takes at most `hours` granted hours a month in zone north.
CloudEvent HoursCapOf(int hours) {
  reg::RegistryEvent e;
  reg::Provider* p = e.mutable_capacity_changed()->mutable_provider();
  p->set_provider_id("prv-1");
  auto* cap = p->add_capacity();
  cap->set_zone_id("north");
  cap->set_max_hours_per_month(hours);
  cap->set_effective_date("2026-01-01");
  return On("lov.registry.events.v1", e.SerializeAsString());
}

// `client`'s decision d-1 from 2026-01-01: `minutes` a month of help.
CloudEvent Granted(const std::string& client, int minutes, absl::Time at,
                   bool changed = false) {
  cho::ChoiceEvent e;
  cho::Decision* d = changed
                         ? e.mutable_decision_changed()->mutable_decision()
                         : e.mutable_decision_registered()->mutable_decision();
  changed ? e.mutable_decision_changed()->set_client_id(client)
          : e.mutable_decision_registered()->set_client_id(client);
  d->set_decision_id("d-1");
  d->set_valid_from("2026-01-01");
  auto* help = d->add_categories();
  help->set_category_id("help");
  help->set_minutes_per_month(minutes);
  return On("lov.choice.events.v1", e.SerializeAsString(), at);
}

// `client` served by prv-1 in north in help from `from`, written at `at`.
CloudEvent Serves(const std::string& client, const std::string& id,
                  const std::string& from, absl::Time at,
                  const std::string& to = "") {
  cho::ChoiceEvent e;
  auto* a = e.mutable_assignment_started()->mutable_assignment();
  a->set_assignment_id(id);
  a->set_client_id(client);
  a->set_provider_id("prv-1");
  a->set_zone_id("north");
  a->add_category_ids("help");
  a->set_valid_from(from);
  a->set_valid_to(to);
  return On("lov.choice.events.v1", e.SerializeAsString(), at);
}

absl::Time Minute(int n) { return kT0 + absl::Minutes(n); }

TEST(ChaosLedger, PlacesTakenWithinTheHoursCap) {
  // 10 h: c1 (4 h) and c2 (6 h) fit exactly; c3 comes after c1 has left.
  const Findings f =
      CheckOf({HoursCapOf(10), Granted("c1", 240, Minute(0)),
               Granted("c2", 360, Minute(0)), Granted("c3", 240, Minute(0)),
               Serves("c1", "a1", "2026-10-01", Minute(1), "2026-10-09"),
               Serves("c2", "a2", "2026-10-01", Minute(2)),
               Serves("c3", "a3", "2026-10-10", Minute(3))});
  EXPECT_TRUE(f.ok()) << (f.problems.empty() ? "" : f.problems.front());
  EXPECT_EQ(f.hours_checks, 3);
  EXPECT_EQ(f.hours_violations, 0);
}

TEST(ChaosLedger, APlaceTakenBeyondTheHoursCapIsCaught) {
  // c1 still holds its place on 10-10: 4 + 6 + 4 = 14 h > 10 h.
  const Findings f =
      CheckOf({HoursCapOf(10), Granted("c1", 240, Minute(0)),
               Granted("c2", 360, Minute(0)), Granted("c3", 240, Minute(0)),
               Serves("c1", "a1", "2026-10-01", Minute(1), "2026-10-10"),
               Serves("c2", "a2", "2026-10-01", Minute(2)),
               Serves("c3", "a3", "2026-10-10", Minute(3))});
  EXPECT_EQ(f.hours_violations, 1);
  EXPECT_FALSE(f.ok());
}

TEST(ChaosLedger, HoursGrantedAfterThePlaceWasTakenDoNotBreakTheCap) {
  // c1's hours raised after both took their places: the cap only governs
  // taking a place. c1's second assignment keeps the place it holds.
  const Findings f = CheckOf({HoursCapOf(10), Granted("c1", 240, Minute(0)),
                              Granted("c2", 360, Minute(0)),
                              Serves("c1", "a1", "2026-10-01", Minute(1)),
                              Serves("c2", "a2", "2026-10-01", Minute(2)),
                              Granted("c1", 480, Minute(3), /*changed=*/true),
                              Serves("c1", "a1b", "2026-10-15", Minute(4))});
  EXPECT_TRUE(f.ok()) << (f.problems.empty() ? "" : f.problems.front());
  EXPECT_EQ(f.hours_checks, 2);
  // Counted by the decisions as written when a place is taken: after the
  // raise, a third client's 1 h no longer fits (8 + 6 + 1 > 10).
  const Findings later =
      CheckOf({HoursCapOf(10), Granted("c1", 240, Minute(0)),
               Granted("c2", 360, Minute(0)), Granted("c3", 60, Minute(0)),
               Serves("c1", "a1", "2026-10-01", Minute(1)),
               Serves("c2", "a2", "2026-10-01", Minute(2)),
               Granted("c1", 480, Minute(3), /*changed=*/true),
               Serves("c3", "a3", "2026-10-15", Minute(4))});
  EXPECT_EQ(later.hours_violations, 1);
}

TEST(ChaosLedger, ADeadLetterIsAViolation) {
  CloudEvent dead = On("lov.settlement.dlq.v1", "x");
  dead.extra_headers.emplace_back("dlq_error", "FAILED_PRECONDITION: parts");
  const Findings f = CheckOf({dead});
  EXPECT_EQ(f.dead_letters, 1);
  EXPECT_FALSE(f.ok());
}

}  // namespace
}  // namespace lov::chaos
