// Re-choice through the choice binary: a client's move dated ahead, a
// provider's notice whose re-choice cases close when it is withdrawn, and a
// provider's notice that moves all its forty clients before it leaves.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "choice_service_test_fixture.h"

namespace lov::choice::service_test {
namespace {

TEST_F(ChoiceServiceTest, AMoveDatedAheadLeavesTheClientInItsZoneUntilThen) {
  StartChoice(1);
  ConfigureMunicipality();
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
  const std::string north = Provider(1, "Attendo Sverige AB", {"north"});
  const std::string south = Provider(2, "Väddö Vård AB", {"south"});
  WaitForSelectable("north", 1);
  WaitForSelectable("south", 1);
  const std::string client = Client(1);
  v1::ChooseResponse chosen;
  ASSERT_TRUE(Choose(client, north, &chosen).ok());

  const std::string move_day = Date(today_ + 20);
  v1::ChangeClientZoneRequest move;
  move.set_request_id("move-1");
  move.set_client_id(client);
  move.set_zone_id("south");
  move.set_effective_date(move_day);
  v1::Client c;
  grpc::Status s =
      CallChoice(&v1::ChoiceService::Stub::ChangeClientZone, move, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(c.zone_moves_size(), 1);
  EXPECT_EQ(c.zone_moves(0).previous_zone_id(), "north");
  EXPECT_EQ(c.zone_moves(0).effective_date(), move_day);

  // Until the move the client lives in the north and sees its providers;
  // from the move day on, the south's.
  auto eligible_on = [&](absl::CivilDay day) {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(client);
    r.set_as_of(Date(day));
    v1::ListEligibleProvidersResponse out;
    grpc::Status st =
        CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> ids;
    for (const auto& p : out.providers()) ids.push_back(p.provider_id());
    return ids;
  };
  EXPECT_EQ(eligible_on(today_), std::vector<std::string>{north});
  EXPECT_EQ(eligible_on(today_ + 19), std::vector<std::string>{north});
  EXPECT_EQ(eligible_on(today_ + 20), std::vector<std::string>{south});

  // The northern provider is not in the south: a re-choice case for the
  // move day. Choosing the southern provider in it switches on that day.
  c = Get(client);
  ASSERT_EQ(c.cases_size(), 1);
  EXPECT_EQ(c.cases(0).effective_date(), move_day);
  EXPECT_EQ(c.cases(0).zone_id(), "south");
  s = Choose(client, south, &chosen);
  ASSERT_TRUE(s.ok()) << s.error_message();
  c = Get(client);
  ASSERT_EQ(c.assignments_size(), 2);
  EXPECT_EQ(c.assignments(0).provider_id(), north);
  EXPECT_EQ(c.assignments(0).valid_to(), Date(today_ + 19));
  EXPECT_EQ(c.assignments(1).provider_id(), south);
  EXPECT_EQ(c.assignments(1).zone_id(), "south");
  EXPECT_EQ(c.assignments(1).valid_from(), move_day);

  // A second move may not come before the recorded one.
  move.set_request_id("move-2");
  move.set_zone_id("north");
  move.set_effective_date(Date(today_ + 10));
  s = CallChoice(&v1::ChoiceService::Stub::ChangeClientZone, move, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("a move to zone south from " + move_day +
                                   " is already recorded"),
            std::string::npos)
      << s.error_message();
}

TEST_F(ChoiceServiceTest, AWithdrawnNoticeClosesTheReChoiceCases) {
  const auto [a, b] = TwoProvidersByRotation();
  std::vector<std::string> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Client(i));
    v1::ChooseResponse out;
    ASSERT_TRUE(Choose(clients.back(), a, &out).ok());
  }
  reg::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(a);
  notice.set_zone_id("north");
  notice.set_effective_date(Date(today_ + 30));
  reg::Provider after;
  const grpc::Status given =
      CallRegistry(&reg::RegistryService::Stub::GiveNotice, notice, &after);
  ASSERT_TRUE(given.ok()) << given.error_code() << " " << given.error_message();
  v1::ListRechoiceCasesRequest open;
  open.set_provider_id(a);
  open.set_open_only(true);
  v1::ListRechoiceCasesResponse cases;
  ASSERT_TRUE(Eventually([&] {
    return CallChoice(&v1::ChoiceService::Stub::ListRechoiceCases, open, &cases)
               .ok() &&
           cases.cases_size() == 3;
  }));
  // One client re-chooses B before A changes its mind.
  v1::ChooseResponse moved;
  ASSERT_TRUE(Choose(clients[0], b, &moved).ok());

  reg::WithdrawNoticeRequest withdraw;
  withdraw.set_request_id("withdraw-1");
  withdraw.set_provider_id(a);
  withdraw.set_zone_id("north");
  withdraw.set_reason("a new team leader was hired");
  grpc::Status s = CallRegistry(&reg::RegistryService::Stub::WithdrawNotice,
                                withdraw, &after);
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const auto& ap : after.approvals()) EXPECT_EQ(ap.effective_to(), "");

  // The other two cases close as withdrawn; A is selectable again and
  // nobody is allocated when the deadline passes.
  ASSERT_TRUE(Eventually([&] {
    return CallChoice(&v1::ChoiceService::Stub::ListRechoiceCases, open, &cases)
               .ok() &&
           cases.cases_size() == 0;
  }));
  WaitForSelectable("north", 2);
  for (int i = 1; i < 3; ++i) {
    v1::Client c = Get(clients[i]);
    ASSERT_EQ(c.cases_size(), 1);
    EXPECT_EQ(c.cases(0).outcome(), "withdrawn");
    ASSERT_EQ(c.assignments_size(), 1);
    EXPECT_EQ(c.assignments(0).provider_id(), a);
    EXPECT_EQ(c.assignments(0).valid_to(), "");
  }
  v1::RunDueAllocationsRequest due;
  due.set_as_of(Date(today_ + 29));
  v1::RunDueAllocationsResponse allocated;
  s = CallChoice(&v1::ChoiceService::Stub::RunDueAllocations, due, &allocated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(allocated.allocated_size(), 0);
  // The client who re-chose keeps that choice.
  EXPECT_EQ(Get(clients[0]).assignments(1).provider_id(), b);
}

TEST_F(ChoiceServiceTest, ProviderNoticeMovesAllFortyClientsBeforeItLeaves) {
  StartChoice(1);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Allegio Omsorg AB");
  const std::string b = Provider(2, "Attendo Sverige AB");
  const std::string c = Provider(3, "Tiohundra AB");
  WaitForSelectable("north", 3);
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
  constexpr int kClients = 40;
  std::vector<std::string> clients(kClients);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kClients; i += 4) {
          clients[i] = Client(i);
          v1::ChooseResponse out;
          grpc::Status s = Choose(clients[i], a, &out);
          EXPECT_TRUE(s.ok()) << s.error_message();
        }
      });
    }
    for (auto& t : threads) t.join();
  }

  // A leaves zone north in 30 days.
  const absl::CivilDay leaving = today_ + 30;
  reg::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(a);
  notice.set_zone_id("north");
  notice.set_effective_date(Date(leaving));
  notice.set_reason("closing the northern office");
  reg::Provider after;
  grpc::Status s =
      CallRegistry(&reg::RegistryService::Stub::GiveNotice, notice, &after);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::ListRechoiceCasesRequest cases_req;
  cases_req.set_provider_id(a);
  cases_req.set_open_only(true);
  v1::ListRechoiceCasesResponse cases;
  ASSERT_TRUE(Eventually([&] {
    return CallChoice(&v1::ChoiceService::Stub::ListRechoiceCases, cases_req,
                      &cases)
               .ok() &&
           cases.cases_size() == kClients;
  })) << cases.cases_size()
      << " cases";
  for (const auto& e : cases.cases()) {
    EXPECT_EQ(e.rechoice_case().deadline(), Date(leaving - 14));
    EXPECT_EQ(e.rechoice_case().effective_date(), Date(leaving));
  }

  // Ten clients choose B themselves before the deadline.
  std::set<std::string> rechose;
  for (int i = 0; i < 10; ++i) {
    v1::ChooseResponse out;
    s = Choose(clients[i], b, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(out.started_size(), 1);
    EXPECT_EQ(out.started(0).valid_from(), Date(leaving));
    EXPECT_EQ(out.started(0).reason(), v1::ASSIGNMENT_REASON_RE_CHOSEN);
    rechose.insert(clients[i]);
  }

  // Nothing is due before the deadline has passed.
  v1::RunDueAllocationsRequest run;
  run.set_as_of(Date(leaving - 14));
  v1::RunDueAllocationsResponse due;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::RunDueAllocations, run, &due).ok());
  EXPECT_EQ(due.allocated_size(), 0);
  run.set_as_of(Date(leaving - 13));
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::RunDueAllocations, run, &due).ok());
  EXPECT_EQ(due.allocated_size(), kClients - 10);
  EXPECT_EQ(due.failed_size(), 0);
  // Idempotent: a second run allocates nothing more.
  v1::RunDueAllocationsResponse again;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::RunDueAllocations, run, &again)
          .ok());
  EXPECT_EQ(again.allocated_size(), 0);

  // Every client has someone else from the leaving date; A ends the day
  // before.
  std::map<std::string, int> by_provider;
  for (const auto& id : clients) {
    v1::Client client = Get(id);
    const v1::Assignment* next = nullptr;
    const v1::Assignment* old = nullptr;
    for (const auto& asg : client.assignments()) {
      if (asg.valid_from() == Date(leaving)) next = &asg;
      if (asg.provider_id() == a) old = &asg;
    }
    ASSERT_NE(next, nullptr) << id;
    EXPECT_NE(next->provider_id(), a);
    EXPECT_TRUE(next->valid_to().empty());
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->valid_to(), Date(leaving - 1));
    EXPECT_EQ(next->reason(), rechose.count(id)
                                  ? v1::ASSIGNMENT_REASON_RE_CHOSEN
                                  : v1::ASSIGNMENT_REASON_TRANSFERRED);
    ++by_provider[next->provider_id()];
  }
  // The rotation alternates between B and C for the 30 allocated.
  EXPECT_EQ(by_provider[b], 10 + 15);
  EXPECT_EQ(by_provider[c], 15);

  // The events tell a subscriber how.
  std::map<std::string, int> opened, closed_by;
  int transferred = 0;
  for (const auto& e : AllEvents()) {
    if (e.has_rechoice_case_opened()) {
      ++opened[e.rechoice_case_opened().client_id()];
      EXPECT_EQ(e.rechoice_case_opened().provider_id(), a);
    }
    if (e.has_rechoice_case_closed()) {
      ++closed_by[e.rechoice_case_closed().outcome()];
    }
    if (e.has_assignment_started() &&
        e.assignment_started().assignment().reason() ==
            v1::ASSIGNMENT_REASON_TRANSFERRED) {
      ++transferred;
      const auto& p = e.assignment_started();
      EXPECT_EQ(p.ended().provider_id(), a);
      EXPECT_EQ(p.ended().valid_to(), Date(leaving - 1));
      EXPECT_EQ(p.explanation().policy(), v1::ALLOCATION_POLICY_ROTATION);
      EXPECT_EQ(p.explanation().chosen_provider_id(),
                p.assignment().provider_id());
      EXPECT_GT(p.explanation().rotation_sequence(), 0);
      ASSERT_GE(p.explanation().skipped_size(), 1);
      bool a_skipped = false;
      for (const auto& sk : p.explanation().skipped()) {
        a_skipped |= sk.provider_id() == a;
      }
      EXPECT_TRUE(a_skipped) << "the explanation says why A was passed over";
      EXPECT_NE(p.explanation().trigger().find("deadline"), std::string::npos);
    }
    // Never a personnummer in an event.
    EXPECT_EQ(e.SerializeAsString().find(TestPersonnummer(0)),
              std::string::npos);
  }
  EXPECT_EQ(opened.size(), static_cast<size_t>(kClients));
  EXPECT_EQ(closed_by["re-chosen"], 10);
  EXPECT_EQ(closed_by["allocated"], kClients - 10);
  EXPECT_EQ(transferred, kClients - 10);
}

}  // namespace
}  // namespace lov::choice::service_test
