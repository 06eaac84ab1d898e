// ChoiceApp's writes on the fakes (app/testing): one short arrange, act,
// assert per use case. Expected values are written by hand.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "lov/platform/identity_numbers.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The client moves to `zone_id` from `from`.
v1::ChangeClientZoneRequest MoveRequest(const std::string& request_id,
                                        const std::string& client_id,
                                        const std::string& zone_id,
                                        const std::string& from) {
  v1::ChangeClientZoneRequest r;
  r.set_request_id(request_id);
  r.set_client_id(client_id);
  r.set_zone_id(zone_id);
  r.set_effective_date(from);
  return r;
}

// ------------------------------------------------------------ clients

TEST_F(ChoiceAppTest, RegisterClientPublishesOnlyTheKeyedHash) {
  absl::StatusOr<v1::Client> client = Register("reg-1", kTolvan);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_THAT(client->client_id(), HasSubstr("cli-"));
  EXPECT_EQ(client->zone_id(), "north");
  EXPECT_EQ(client->status(), v1::CLIENT_STATUS_ACTIVE);
  EXPECT_EQ(client->version(), 1);
  EXPECT_EQ(client->personnummer(), kTolvan);

  const std::string hmac = PersonnummerKey(kPnrKey).Hmac(kTolvan);
  ASSERT_EQ(publisher_.events_.size(), 1u);
  const v1::ChoiceEvent& e = publisher_.events_[0];
  EXPECT_EQ(EventTypeOf(e), "se.lov.choice.v1.ClientRegistered");
  EXPECT_EQ(e.aggregate_id(), client->client_id());
  EXPECT_EQ(e.aggregate_version(), 1);
  EXPECT_EQ(e.request_id(), "reg-1");
  EXPECT_FALSE(e.event_id().empty());
  EXPECT_EQ(FromProtoTime(e.occurred_at()), clock_.now_);
  EXPECT_EQ(e.client_registered().personnummer_hmac(), hmac);
  EXPECT_EQ(e.DebugString().find(kTolvan), std::string::npos);
  EXPECT_EQ(e.request_fingerprint().find(kTolvan), std::string::npos);
  // Serialised on the person, not on a client id that does not exist yet.
  EXPECT_THAT(store_.locked_, ElementsAre("pnr:" + hmac));
  // Kept for display.
  EXPECT_EQ(ClientNow(client->client_id()).personnummer(), kTolvan);
}

TEST_F(ChoiceAppTest,
       RegisterClientPublishesItsDataKeyFirstAndTheNumberSealed) {
  absl::StatusOr<v1::Client> client = Register("reg-1", kTolvan);
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ(publisher_.keys_.size(), 1u);
  // Durable before the ClientRegistered (no event was published before it).
  EXPECT_THAT(publisher_.key_positions_, ElementsAre(0u));
  const v1::ChoiceKeyEvent& key = publisher_.keys_[0];
  EXPECT_EQ(EventTypeOf(key), "se.lov.choice.v1.ClientDataKeyIssued");
  EXPECT_EQ(key.aggregate_id(), client->client_id());
  EXPECT_EQ(key.client_data_key_issued().client_id(), client->client_id());
  EXPECT_EQ(key.client_data_key_issued().kek_id(), vault_.kek_id());
  EXPECT_FALSE(key.event_id().empty());
  ASSERT_EQ(publisher_.events_.size(), 1u);
  const std::string& sealed =
      publisher_.events_[0].client_registered().personnummer_sealed();
  absl::StatusOr<std::string> revealed =
      vault_.Reveal(key.client_data_key_issued(), sealed);
  ASSERT_TRUE(revealed.ok()) << revealed.status();
  EXPECT_EQ(*revealed, kTolvan);
  // Neither carries the number in clear, in any of its spellings.
  EXPECT_THAT(FindPersonnummer(key.SerializeAsString()), IsEmpty());
  EXPECT_THAT(FindPersonnummer(publisher_.events_[0].SerializeAsString()),
              IsEmpty());
}

TEST_F(ChoiceAppTest, AStateRebuiltFromEventsAndKeysHasTheNumberInEitherOrder) {
  absl::StatusOr<v1::Client> client = Register("reg-1", kTolvan);
  ASSERT_TRUE(client.ok()) << client.status();
  FakeChoiceStore event_first(&vault_);
  ASSERT_TRUE(event_first.Apply(publisher_.events_[0]).ok());
  EXPECT_EQ((*event_first.GetClient(client->client_id()))->personnummer(), "");
  ASSERT_TRUE(event_first.ApplyDataKey(publisher_.keys_[0]).ok());
  EXPECT_EQ((*event_first.GetClient(client->client_id()))->personnummer(),
            kTolvan);
  FakeChoiceStore key_first(&vault_);
  ASSERT_TRUE(key_first.ApplyDataKey(publisher_.keys_[0]).ok());
  ASSERT_TRUE(key_first.Apply(publisher_.events_[0]).ok());
  EXPECT_EQ((*key_first.GetClient(client->client_id()))->personnummer(),
            kTolvan);
}

TEST_F(ChoiceAppTest, NoClientIsRegisteredUntilItsDataKeyIsStored) {
  publisher_.fail_keys_with_ = absl::DeadlineExceededError("timed out");
  absl::Status failed = Register("reg-1", kTolvan).status();
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_THAT(publisher_.events_, IsEmpty());
  publisher_.fail_keys_with_ = absl::OkStatus();
  absl::StatusOr<v1::Client> retry = Register("reg-1", kTolvan);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->personnummer(), kTolvan);
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(ChoiceAppTest, RegisterClientRetryReturnsTheSameClient) {
  absl::StatusOr<v1::Client> first = Register("reg-1", kTolvan);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Client> retry = Register("reg-1", kTolvan);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->client_id(), first->client_id());
  EXPECT_EQ(retry->personnummer(), kTolvan);
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(ChoiceAppTest, ADifferentRequestUnderAUsedIdIsAlreadyExists) {
  ASSERT_TRUE(Register("reg-1", kTolvan).ok());
  EXPECT_TRUE(IsError(Register("reg-1", kAnna).status(),
                      absl::StatusCode::kAlreadyExists,
                      {"request_id 'reg-1'", "different request"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(ChoiceAppTest, APersonIsRegisteredOnce) {
  absl::StatusOr<v1::Client> first = Register("reg-1", kTolvan);
  ASSERT_TRUE(first.ok()) << first.status();
  // Written with a dash this time: the same person.
  EXPECT_TRUE(IsError(Register("reg-2", "19121212-1212").status(),
                      absl::StatusCode::kAlreadyExists,
                      {"personnummer", first->client_id()}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(ChoiceAppTest, RegisterClientRejectsABadNumberOrZone) {
  EXPECT_TRUE(IsError(Register("reg-1", "191212121213").status(),
                      absl::StatusCode::kInvalidArgument, {"personnummer"}));
  EXPECT_TRUE(IsError(Register("reg-2", kTolvan, "kapellskar").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone 'kapellskar'", "0188"}));
  EXPECT_TRUE(IsError(Register("", kTolvan).status(),
                      absl::StatusCode::kInvalidArgument, {"request_id"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

TEST_F(ChoiceAppTest, RegisterDecisionAddsItAsTheNextVersion) {
  absl::StatusOr<v1::Client> client = Register("reg-1", kTolvan);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<v1::Client> after =
      RegisterDecision("dec-1", client->client_id(), HomeHelpDecision("d-1"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->version(), 2);
  ASSERT_EQ(after->decisions_size(), 1);
  EXPECT_EQ(after->decisions(0).decision_id(), "d-1");
  const v1::ChoiceEvent& e = publisher_.events_.back();
  EXPECT_EQ(EventTypeOf(e), "se.lov.choice.v1.DecisionRegistered");
  EXPECT_EQ(e.aggregate_id(), client->client_id());
  EXPECT_EQ(e.aggregate_version(), 2);
  EXPECT_EQ(e.request_id(), "dec-1");
  EXPECT_EQ(ClientNow(client->client_id()).version(), 2);
  EXPECT_EQ(store_.locked_.back(), client->client_id());
}

TEST_F(ChoiceAppTest, RegisterDecisionRefusesAnOverlapOrAUsedId) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  EXPECT_TRUE(IsError(
      RegisterDecision("dec-2", client, HomeHelpDecision("d-2", "2025-06-01"))
          .status(),
      absl::StatusCode::kFailedPrecondition, {"overlaps decision dec-tolvan"}));
  EXPECT_TRUE(
      IsError(RegisterDecision("dec-3", client, HomeHelpDecision("dec-tolvan"))
                  .status(),
              absl::StatusCode::kAlreadyExists,
              {"decision.decision_id", "already registered"}));
  EXPECT_EQ(publisher_.events_.size(), 2u);
}

TEST_F(ChoiceAppTest, AnUnknownClientIsNotFoundBeforeAnythingIsDecided) {
  EXPECT_TRUE(IsError(
      RegisterDecision("dec-1", "cli-nobody", HomeHelpDecision("d-1")).status(),
      absl::StatusCode::kNotFound, {"client_id", "cli-nobody"}));
  EXPECT_TRUE(
      IsError(RegisterDecision("dec-2", "", HomeHelpDecision("d-1")).status(),
              absl::StatusCode::kInvalidArgument, {"client_id"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

// ------------------------------------------------------------ choice

TEST_F(ChoiceAppTest, ChooseWithinCapacityStartsAnAssignmentAndTakesTheSlot) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  absl::StatusOr<v1::ChooseResponse> chosen =
      Choose("choose-1", client, kOmsorgshuset);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  ASSERT_EQ(chosen->started_size(), 1);
  const v1::Assignment& a = chosen->started(0);
  EXPECT_EQ(a.provider_id(), kOmsorgshuset);
  EXPECT_EQ(a.zone_id(), "north");
  EXPECT_THAT(a.category_ids(), ElementsAre(kService, kCare));
  // The decision runs from 2025-03-01: the choice counts from today.
  EXPECT_EQ(a.valid_from(), "2025-03-10");
  EXPECT_EQ(a.valid_to(), "");
  EXPECT_EQ(a.reason(), v1::ASSIGNMENT_REASON_CHOSEN);
  EXPECT_EQ(chosen->client().version(), 3);
  EXPECT_EQ(chosen->client().assignments_size(), 1);

  std::vector<v1::ChoiceEvent> started =
      Published(v1::ChoiceEvent::kAssignmentStarted);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].aggregate_version(), 3);
  EXPECT_EQ(started[0].request_id(), "choose-1");
  EXPECT_EQ(started[0].assignment_started().list_seed(), 42u);
  EXPECT_EQ(started[0].assignment_started().reported_on(), "2025-03-10");
  // 10 h + 5 h a month held with the provider in the north.
  std::map<std::string, Occupancy> held =
      store_.Occupied({kOmsorgshuset}, "north", kToday, "").value();
  EXPECT_EQ(held[kOmsorgshuset].clients, 1);
  EXPECT_EQ(held[kOmsorgshuset].minutes, 900);
  EXPECT_EQ(ClientNow(client).assignments(0).provider_id(), kOmsorgshuset);
}

TEST_F(ChoiceAppTest, ChoosingPublishesZoneHealthForTheZoneItTouched) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kOmsorgshuset).ok());
  // Omsorgshuset is full in the north now: Attendo and the kommun remain.
  std::vector<v1::ChoiceEvent> health = Published(v1::ChoiceEvent::kZoneHealth);
  ASSERT_EQ(health.size(), 2u);
  EXPECT_EQ(health[0].aggregate_id(), "zone-health");
  EXPECT_EQ(health[0].aggregate_version(), 1);
  EXPECT_EQ(health[0].request_id(), "");
  EXPECT_EQ(health[0].zone_health().zone_id(), "north");
  EXPECT_EQ(health[0].zone_health().category_id(), kService);
  EXPECT_EQ(health[0].zone_health().selectable_providers(), 2);
  EXPECT_FALSE(health[0].zone_health().no_real_choice());
  EXPECT_EQ(health[1].aggregate_version(), 2);
  EXPECT_EQ(health[1].zone_health().category_id(), kCare);
  EXPECT_THAT(store_.locked_, ::testing::Contains("zone-health"));
}

// A choice that leaves every zone's count as published takes no zone-health
// lock: that lock is one for the whole municipality, and every Choose
// queued on it (docs/performance.md, "Choice latency: where the time goes").
TEST_F(ChoiceAppTest, AChoiceThatChangesNoZoneHealthTakesNoZoneLock) {
  const std::string tolvan = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", tolvan, kOmsorgshuset).ok());
  const size_t health = Published(v1::ChoiceEvent::kZoneHealth).size();
  store_.locked_.clear();
  // Attendo has no cap in the north: still selectable after Anna's choice.
  const std::string anna = ClientWithDecision("anna", kAnna);
  ASSERT_TRUE(Choose("choose-2", anna, kAttendo).ok());
  EXPECT_EQ(Published(v1::ChoiceEvent::kZoneHealth).size(), health);
  EXPECT_THAT(store_.locked_, ::testing::Contains(anna));
  EXPECT_THAT(store_.locked_,
              ::testing::Not(::testing::Contains("zone-health")));
}

TEST_F(ChoiceAppTest, ChooseRetryAnswersTheClientAndPublishesNothing) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kOmsorgshuset).ok());
  const size_t published = publisher_.events_.size();
  absl::StatusOr<v1::ChooseResponse> retry =
      Choose("choose-1", client, kOmsorgshuset);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->client().version(), 3);
  EXPECT_THAT(retry->started(), IsEmpty());
  EXPECT_EQ(publisher_.events_.size(), published);
}

TEST_F(ChoiceAppTest, ChooseWhenCappedIsFailedPreconditionNamingTheCap) {
  const std::string tolvan = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", tolvan, kOmsorgshuset).ok());
  const std::string anna = ClientWithDecision("anna", kAnna);
  EXPECT_TRUE(IsError(Choose("choose-2", anna, kOmsorgshuset).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"provider 'prv-5560360793' is not eligible",
                       "zone north on 2025-03-10", "at capacity cap 1"}));
  EXPECT_EQ(Published(v1::ChoiceEvent::kAssignmentStarted).size(), 1u);
  EXPECT_EQ(store_.SlotsTaken(kOmsorgshuset, "north", kToday), 1);
  EXPECT_EQ(ClientNow(anna).assignments_size(), 0);
}

TEST_F(ChoiceAppTest, TheSlotIsGivenBackWhenThePublishFails) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(
      IsError(Choose("choose-1", client, kOmsorgshuset).status(),
              absl::StatusCode::kUnavailable,
              {"not stored", "broker down", "retry with the same request_id"}));
  EXPECT_EQ(store_.SlotsTaken(kOmsorgshuset, "north", kToday), 0);
  EXPECT_EQ(ClientNow(client).version(), 2);
  EXPECT_EQ(ClientNow(client).assignments_size(), 0);

  // The broker is back: the same request goes through.
  publisher_.fail_with_ = absl::OkStatus();
  absl::StatusOr<v1::ChooseResponse> retry =
      Choose("choose-1", client, kOmsorgshuset);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->started_size(), 1);
  EXPECT_EQ(store_.SlotsTaken(kOmsorgshuset, "north", kToday), 1);
}

TEST_F(ChoiceAppTest, ChooseAnUnknownProviderOrWithoutADecisionIsRefused) {
  absl::StatusOr<v1::Client> bare = Register("reg-1", kTolvan);
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_TRUE(IsError(Choose("choose-1", bare->client_id(), kAttendo).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"no decision in force or coming"}));
  const std::string anna = ClientWithDecision("anna", kAnna);
  EXPECT_TRUE(IsError(Choose("choose-2", anna, "prv-0000000000").status(),
                      absl::StatusCode::kNotFound,
                      {"provider_id", "prv-0000000000"}));
  EXPECT_TRUE(IsError(Choose("choose-3", anna, "").status(),
                      absl::StatusCode::kInvalidArgument, {"provider_id"}));
}

TEST_F(ChoiceAppTest, ReChoosingTakesEffectByThePolicysNoticeDays) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  absl::StatusOr<v1::ChooseResponse> again =
      Choose("choose-2", client, kKommun);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->started_size(), 1);
  // The default policy: 14 days after the day it is reported.
  EXPECT_EQ(again->started(0).valid_from(), "2025-03-24");
  EXPECT_EQ(again->started(0).reason(), v1::ASSIGNMENT_REASON_RE_CHOSEN);
  const v1::ChoiceEvent e =
      Published(v1::ChoiceEvent::kAssignmentStarted).back();
  EXPECT_EQ(e.assignment_started().ended().provider_id(), kAttendo);
  EXPECT_EQ(e.assignment_started().ended().valid_to(), "2025-03-23");
  EXPECT_THAT(ClientNow(client).rechoices_reported_on(),
              ElementsAre("2025-03-10"));
}

// ------------------------------------------------------------ non-choice

TEST_F(ChoiceAppTest, AllocateNonChoiceGivesTheInHouseProvider) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  absl::StatusOr<v1::AllocateNonChoiceResponse> allocated =
      AllocateNonChoice("nc-1", client);
  ASSERT_TRUE(allocated.ok()) << allocated.status();
  ASSERT_EQ(allocated->started_size(), 1);
  EXPECT_EQ(allocated->started(0).provider_id(), kKommun);
  EXPECT_EQ(allocated->started(0).valid_from(), "2025-03-10");
  EXPECT_EQ(allocated->started(0).reason(), v1::ASSIGNMENT_REASON_NON_CHOICE);
  const v1::AllocationExplanation& why = allocated->explanation();
  EXPECT_EQ(why.policy(), v1::ALLOCATION_POLICY_IN_HOUSE);
  // The in-house provider first, then the rotation by name.
  EXPECT_THAT(why.candidates_in_order(),
              ElementsAre(kKommun, kAttendo, kOmsorgshuset));
  EXPECT_EQ(why.chosen_provider_id(), kKommun);
  EXPECT_EQ(why.trigger(), "the client did not choose");
  EXPECT_EQ(store_.SlotsTaken(kKommun, "north", kToday), 1);

  EXPECT_TRUE(
      IsError(AllocateNonChoice("nc-2", client).status(),
              absl::StatusCode::kFailedPrecondition,
              {"already has a provider for home-help-service", kKommun}));
}

TEST_F(ChoiceAppTest, RotationTakesProvidersInTurnUnderTheZonesLock) {
  v1::ConfigurePolicyRequest rotation;
  rotation.set_request_id("policy-1");
  *rotation.mutable_policy() = DefaultPolicy();
  rotation.mutable_policy()->set_allocation_policy(
      v1::ALLOCATION_POLICY_ROTATION);
  ASSERT_TRUE(app_.ConfigurePolicy(rotation).ok());

  const std::string tolvan = ClientWithDecision("tolvan", kTolvan);
  absl::StatusOr<v1::AllocateNonChoiceResponse> first =
      AllocateNonChoice("nc-1", tolvan);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->explanation().chosen_provider_id(), kAttendo);
  EXPECT_EQ(first->explanation().rotation_sequence(), 1);
  EXPECT_THAT(store_.locked_, ::testing::Contains("rotation:north"));

  const std::string anna = ClientWithDecision("anna", kAnna);
  absl::StatusOr<v1::AllocateNonChoiceResponse> second =
      AllocateNonChoice("nc-2", anna);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->explanation().chosen_provider_id(), kKommun);
  EXPECT_EQ(second->explanation().rotation_sequence(), 2);
  EXPECT_EQ(store_.GetRotation("north")->provider_id, kKommun);
}

// ------------------------------------------------------------ moves and ends

TEST_F(ChoiceAppTest, AMoveKeepsAProviderThatServesTheNewZone) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kOmsorgshuset).ok());
  absl::StatusOr<v1::Client> moved = app_.ChangeClientZone(
      MoveRequest("move-1", client, "south", "2025-04-01"));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->zone_id(), "south");
  ASSERT_EQ(moved->zone_moves_size(), 1);
  EXPECT_EQ(moved->zone_moves(0).effective_date(), "2025-04-01");
  ASSERT_EQ(moved->assignments_size(), 2);
  EXPECT_EQ(moved->assignments(0).zone_id(), "north");
  EXPECT_EQ(moved->assignments(0).valid_to(), "2025-03-31");
  EXPECT_EQ(moved->assignments(1).zone_id(), "south");
  EXPECT_EQ(moved->assignments(1).provider_id(), kOmsorgshuset);
  EXPECT_EQ(moved->assignments(1).valid_from(), "2025-04-01");
  EXPECT_EQ(moved->assignments(1).reason(), v1::ASSIGNMENT_REASON_TRANSFERRED);
  EXPECT_THAT(moved->cases(), IsEmpty());
  EXPECT_EQ(
      store_.SlotsTaken(kOmsorgshuset, "south", absl::CivilDay(2025, 4, 1)), 1);
  // The north slot is held until the last day there.
  EXPECT_EQ(
      store_.SlotsTaken(kOmsorgshuset, "north", absl::CivilDay(2025, 3, 31)),
      1);
  EXPECT_EQ(
      store_.SlotsTaken(kOmsorgshuset, "north", absl::CivilDay(2025, 4, 1)), 0);
}

TEST_F(ChoiceAppTest, AMoveWhereTheProviderCannotServeOpensAReChoiceCase) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  absl::StatusOr<v1::Client> moved = app_.ChangeClientZone(
      MoveRequest("move-1", client, "south", "2025-04-01"));
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->cases_size(), 1);
  const v1::RechoiceCase& rc = moved->cases(0);
  EXPECT_EQ(rc.provider_id(), kAttendo);
  EXPECT_EQ(rc.zone_id(), "south");
  EXPECT_EQ(rc.effective_date(), "2025-04-01");
  // 14 days before the move.
  EXPECT_EQ(rc.deadline(), "2025-03-18");
  EXPECT_EQ(rc.status(), v1::CASE_STATUS_OPEN);
  EXPECT_THAT(rc.cause(), HasSubstr("client moved from zone north to south; "
                                    "provider prv-5565541645 cannot serve "
                                    "there: not approved for "
                                    "home-help-service in zone south"));
  EXPECT_THAT(ClientEventTypes(),
              ElementsAre("se.lov.choice.v1.ClientRegistered",
                          "se.lov.choice.v1.DecisionRegistered",
                          "se.lov.choice.v1.AssignmentStarted",
                          "se.lov.choice.v1.ClientZoneChanged",
                          "se.lov.choice.v1.RechoiceCaseOpened"));

  EXPECT_TRUE(
      IsError(app_.ChangeClientZone(
                      MoveRequest("move-2", client, "roslagen", "2025-04-01"))
                  .status(),
              absl::StatusCode::kFailedPrecondition,
              {"a move to zone south from 2025-04-01"}));
}

TEST_F(ChoiceAppTest, EndClientEndsItsAssignmentsAndTheClient) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  v1::EndClientRequest end;
  end.set_request_id("end-1");
  end.set_client_id(client);
  end.set_reason(v1::END_REASON_MOVED_AWAY);
  end.set_last_day("2025-03-31");
  absl::StatusOr<v1::Client> ended = app_.EndClient(end);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->status(), v1::CLIENT_STATUS_ENDED);
  EXPECT_EQ(ended->ended_on(), "2025-03-31");
  EXPECT_EQ(ended->assignments(0).valid_to(), "2025-03-31");
  std::vector<v1::ChoiceEvent> assignment_ended =
      Published(v1::ChoiceEvent::kAssignmentEnded);
  ASSERT_EQ(assignment_ended.size(), 1u);
  EXPECT_EQ(assignment_ended[0].assignment_ended().reason(),
            v1::END_REASON_MOVED_AWAY);
  EXPECT_EQ(store_.SlotsTaken(kAttendo, "north", absl::CivilDay(2025, 4, 1)),
            0);

  EXPECT_TRUE(IsError(
      RegisterDecision("dec-2", client, HomeHelpDecision("d-2", "2026-01-01"))
          .status(),
      absl::StatusCode::kFailedPrecondition,
      {"has ended (2025-03-31)", "no changes are possible"}));
}

TEST_F(ChoiceAppTest, EndClientNeedsAReasonAndALastDay) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  v1::EndClientRequest end;
  end.set_request_id("end-1");
  end.set_client_id(client);
  end.set_reason(v1::END_REASON_DECISION_ENDED);
  end.set_last_day("2025-03-31");
  EXPECT_TRUE(IsError(app_.EndClient(end).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "ChangeDecision"}));
  end.set_reason(v1::END_REASON_CLIENT_DECEASED);
  end.clear_last_day();
  EXPECT_TRUE(IsError(app_.EndClient(end).status(),
                      absl::StatusCode::kInvalidArgument, {"last_day"}));
  EXPECT_EQ(ClientNow(client).status(), v1::CLIENT_STATUS_ACTIVE);
}

TEST_F(ChoiceAppTest, ChangeDecisionEndsWhatRunsPastItsNewLastDay) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  v1::ChangeDecisionRequest change;
  change.set_request_id("change-1");
  change.set_client_id(client);
  *change.mutable_decision() = HomeHelpDecision("dec-tolvan");
  change.mutable_decision()->set_valid_to("2025-05-31");
  absl::StatusOr<v1::Client> changed = app_.ChangeDecision(change);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->decisions(0).valid_to(), "2025-05-31");
  EXPECT_EQ(changed->assignments(0).valid_to(), "2025-05-31");
  EXPECT_EQ(Published(v1::ChoiceEvent::kAssignmentEnded)
                .back()
                .assignment_ended()
                .reason(),
            v1::END_REASON_DECISION_ENDED);
}

// ------------------------------------------------------------ policy

TEST_F(ChoiceAppTest, ConfigurePolicyVersionsItAndARetryAnswersTheCurrent) {
  absl::StatusOr<v1::ChoicePolicy> before = app_.GetPolicy({});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->allocation_policy(), v1::ALLOCATION_POLICY_IN_HOUSE);
  EXPECT_EQ(before->version(), 0);

  v1::ConfigurePolicyRequest r;
  r.set_request_id("policy-1");
  *r.mutable_policy() = DefaultPolicy();
  r.mutable_policy()->set_rechoice_timing(v1::RECHOICE_TIMING_ONE_MONTH);
  r.mutable_policy()->set_version(77);  // ignored
  absl::StatusOr<v1::ChoicePolicy> first = app_.ConfigurePolicy(r);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version(), 1);
  const v1::ChoiceEvent& e = publisher_.events_.back();
  EXPECT_EQ(EventTypeOf(e), "se.lov.choice.v1.PolicyConfigured");
  EXPECT_EQ(e.aggregate_id(), "policy");
  EXPECT_EQ(e.aggregate_version(), 1);
  EXPECT_THAT(store_.locked_, ElementsAre("policy"));

  v1::ConfigurePolicyRequest second = r;
  second.set_request_id("policy-2");
  second.mutable_policy()->set_max_rechoices_per_12_months(2);
  ASSERT_EQ(app_.ConfigurePolicy(second)->version(), 2);
  // A retry of the first answers the policy in force.
  absl::StatusOr<v1::ChoicePolicy> retry = app_.ConfigurePolicy(r);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version(), 2);
  EXPECT_EQ(retry->max_rechoices_per_12_months(), 2);
  EXPECT_EQ(publisher_.events_.size(), 2u);
  EXPECT_EQ(app_.GetPolicy({})->rechoice_timing(),
            v1::RECHOICE_TIMING_ONE_MONTH);
}

TEST_F(ChoiceAppTest, ConfigurePolicyRefusesUnknownProvidersAndBadRules) {
  v1::ConfigurePolicyRequest r;
  r.set_request_id("policy-1");
  *r.mutable_policy() = DefaultPolicy();
  r.mutable_policy()->set_in_house_provider_id("prv-0000000000");
  EXPECT_TRUE(IsError(app_.ConfigurePolicy(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"policy", "prv-0000000000", "unknown to the registry"}));
  r.mutable_policy()->set_in_house_provider_id(kKommun);
  r.mutable_policy()->set_rechoice_notice_days(3);
  EXPECT_TRUE(IsError(app_.ConfigurePolicy(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"policy.rechoice_notice_days"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

}  // namespace
}  // namespace lov::choice
