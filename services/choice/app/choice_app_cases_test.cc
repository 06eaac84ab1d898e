// ChoiceApp's reactions to the registry, its daily allocations and its
// reads, on the fakes (app/testing). Expected values are written by hand.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// ------------------------------------------------------------ re-choice cases

TEST_F(ChoiceAppTest, ARegistryNoticeOpensReChoiceCasesOnce) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  const reg::RegistryEvent notice = AttendoGivesNotice();
  ASSERT_TRUE(app_.OnRegistryEvent(notice).ok());

  std::vector<v1::ChoiceEvent> opened =
      Published(v1::ChoiceEvent::kRechoiceCaseOpened);
  ASSERT_EQ(opened.size(), 1u);
  const v1::RechoiceCaseOpened& rc = opened[0].rechoice_case_opened();
  EXPECT_EQ(rc.client_id(), client);
  EXPECT_EQ(rc.case_id(), "rc-0a1b2c3d-north");
  EXPECT_EQ(rc.provider_id(), kAttendo);
  EXPECT_EQ(rc.zone_id(), "north");
  EXPECT_EQ(rc.effective_date(), "2025-04-15");
  EXPECT_EQ(rc.deadline(), "2025-04-01");
  EXPECT_EQ(rc.cause(),
            "provider gave notice for zone north: leaves on "
            "2025-04-15");
  EXPECT_EQ(opened[0].request_id(),
            absl::StrCat("departure:0a1b2c3d-notice:north:", client));
  // The registry's record is kept: Attendo takes nobody new in the north.
  EXPECT_EQ(store_.GetProvider(kAttendo).value()->version(), 2);

  // Redelivered: nothing new.
  ASSERT_TRUE(app_.OnRegistryEvent(notice).ok());
  EXPECT_EQ(Published(v1::ChoiceEvent::kRechoiceCaseOpened).size(), 1u);

  v1::ListRechoiceCasesRequest list;
  list.set_provider_id(kAttendo);
  list.set_open_only(true);
  absl::StatusOr<v1::ListRechoiceCasesResponse> cases =
      app_.ListRechoiceCases(list);
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->cases_size(), 1);
  EXPECT_EQ(cases->cases(0).client_id(), client);
  EXPECT_EQ(cases->cases(0).rechoice_case().case_id(), "rc-0a1b2c3d-north");
}

TEST_F(ChoiceAppTest, AWithdrawnNoticeClosesItsCases) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  reg::RegistryEvent notice = AttendoGivesNotice();
  ASSERT_TRUE(app_.OnRegistryEvent(notice).ok());

  reg::RegistryEvent withdrawn;
  withdrawn.set_event_id("4e5f6a7b-withdrawn");
  withdrawn.set_aggregate_id(kAttendo);
  withdrawn.set_aggregate_version(3);
  auto* w = withdrawn.mutable_notice_withdrawn();
  *w->mutable_provider() = Attendo();
  w->mutable_provider()->set_version(3);
  w->set_zone_id("north");
  w->set_effective_date("2025-04-15");
  ASSERT_TRUE(app_.OnRegistryEvent(withdrawn).ok());

  std::vector<v1::ChoiceEvent> closed =
      Published(v1::ChoiceEvent::kRechoiceCaseClosed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].rechoice_case_closed().case_id(), "rc-0a1b2c3d-north");
  EXPECT_EQ(closed[0].rechoice_case_closed().outcome(), "withdrawn");
  EXPECT_EQ(ClientNow(client).cases(0).status(), v1::CASE_STATUS_CLOSED);
}

TEST_F(ChoiceAppTest, RunDueAllocationsAllocatesCasesPastTheirDeadline) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  ASSERT_TRUE(app_.OnRegistryEvent(AttendoGivesNotice()).ok());

  // The deadline is 2025-04-01: on that day the case is not yet due.
  v1::RunDueAllocationsRequest run;
  run.set_as_of("2025-04-01");
  absl::StatusOr<v1::RunDueAllocationsResponse> early =
      app_.RunDueAllocations(run);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_THAT(early->allocated(), IsEmpty());

  run.set_as_of("2025-04-02");
  absl::StatusOr<v1::RunDueAllocationsResponse> due =
      app_.RunDueAllocations(run);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_THAT(due->failed(), IsEmpty());
  ASSERT_EQ(due->allocated_size(), 1);
  const auto& allocated = due->allocated(0);
  EXPECT_EQ(allocated.client_id(), client);
  EXPECT_EQ(allocated.case_id(), "rc-0a1b2c3d-north");
  EXPECT_EQ(allocated.assignment().provider_id(), kKommun);
  EXPECT_EQ(allocated.assignment().valid_from(), "2025-04-15");
  EXPECT_EQ(allocated.assignment().reason(), v1::ASSIGNMENT_REASON_TRANSFERRED);
  EXPECT_THAT(allocated.explanation().trigger(),
              HasSubstr("re-choice case rc-0a1b2c3d-north passed its "
                        "deadline 2025-04-01 without a choice"));
  ASSERT_GE(allocated.explanation().skipped_size(), 1);
  EXPECT_EQ(allocated.explanation().skipped(0).provider_id(), kAttendo);
  EXPECT_EQ(allocated.explanation().skipped(0).reason(),
            "the provider being left");

  const v1::Client after = ClientNow(client);
  EXPECT_EQ(after.cases(0).status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(after.cases(0).outcome(), "allocated");
  EXPECT_EQ(after.assignments(0).valid_to(), "2025-04-14");
  EXPECT_EQ(Published(v1::ChoiceEvent::kAssignmentStarted).back().request_id(),
            absl::StrCat("case-allocation:", client, ":rc-0a1b2c3d-north"));

  // Run again: nothing is due any more.
  absl::StatusOr<v1::RunDueAllocationsResponse> again =
      app_.RunDueAllocations(run);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->allocated(), IsEmpty());
  EXPECT_THAT(again->failed(), IsEmpty());
}

// ------------------------------------------------------------ queries

TEST_F(ChoiceAppTest, GetAndFindClient) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  v1::GetClientRequest get;
  get.set_client_id(client);
  absl::StatusOr<v1::Client> got = app_.GetClient(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version(), 2);
  get.set_client_id("cli-nobody");
  EXPECT_TRUE(IsError(app_.GetClient(get).status(), absl::StatusCode::kNotFound,
                      {"cli-nobody"}));
  get.clear_client_id();
  EXPECT_TRUE(IsError(app_.GetClient(get).status(),
                      absl::StatusCode::kInvalidArgument, {"client_id"}));

  v1::FindClientRequest find;
  find.set_personnummer("19121212-1212");
  absl::StatusOr<v1::Client> found = app_.FindClient(find);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->client_id(), client);
  EXPECT_EQ(found->personnummer(), kTolvan);
  find.set_personnummer(kBengt);
  EXPECT_TRUE(IsError(app_.FindClient(find).status(),
                      absl::StatusCode::kNotFound,
                      {"no client with this number"}));
}

TEST_F(ChoiceAppTest, ListEligibleProvidersShowsTheSelectableOnesBySeed) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  v1::ListEligibleProvidersRequest r;
  r.set_client_id(client);
  r.set_seed(7);
  absl::StatusOr<v1::ListEligibleProvidersResponse> list =
      app_.ListEligibleProviders(r);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->as_of(), "2025-03-10");
  EXPECT_EQ(list->seed(), 7u);
  std::vector<std::string> ids;
  for (const auto& p : list->providers()) {
    ids.push_back(p.provider_id());
    EXPECT_THAT(p.category_ids(), ElementsAre(kService, kCare));
    if (p.provider_id() == kOmsorgshuset) {
      EXPECT_EQ(p.name(), "Omsorgshuset i Roslagen AB");
      EXPECT_TRUE(p.capped());
      EXPECT_EQ(p.max_clients(), 1);
      EXPECT_EQ(p.free_slots(), 1);
    }
  }
  EXPECT_THAT(ids, UnorderedElementsAre(kKommun, kOmsorgshuset, kAttendo));
  // The same seed shows the same order.
  absl::StatusOr<v1::ListEligibleProvidersResponse> again =
      app_.ListEligibleProviders(r);
  ASSERT_TRUE(again.ok()) << again.status();
  for (int i = 0; i < again->providers_size(); ++i) {
    EXPECT_EQ(again->providers(i).provider_id(), ids[i]);
  }

  // Once Omsorgshuset is full, it is not listed.
  const std::string anna = ClientWithDecision("anna", kAnna);
  ASSERT_TRUE(Choose("choose-1", anna, kOmsorgshuset).ok());
  std::vector<std::string> after;
  absl::StatusOr<v1::ListEligibleProvidersResponse> full =
      app_.ListEligibleProviders(r);
  ASSERT_TRUE(full.ok()) << full.status();
  for (const auto& p : full->providers()) {
    after.push_back(p.provider_id());
  }
  EXPECT_THAT(after, UnorderedElementsAre(kKommun, kAttendo));
}

TEST_F(ChoiceAppTest, ListAssignmentsOfAProvider) {
  const std::string tolvan = ClientWithDecision("tolvan", kTolvan);
  const std::string anna = ClientWithDecision("anna", kAnna);
  ASSERT_TRUE(Choose("choose-1", tolvan, kAttendo).ok());
  ASSERT_TRUE(Choose("choose-2", anna, kAttendo).ok());
  v1::ListAssignmentsRequest r;
  r.set_provider_id(kAttendo);
  absl::StatusOr<v1::ListAssignmentsResponse> listed = app_.ListAssignments(r);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> clients;
  for (const auto& a : listed->assignments()) clients.push_back(a.client_id());
  EXPECT_THAT(clients, UnorderedElementsAre(tolvan, anna));
  // Before the assignments start.
  r.set_as_of("2025-03-09");
  EXPECT_THAT(app_.ListAssignments(r)->assignments(), IsEmpty());
  r.set_provider_id(kKommun);
  r.clear_as_of();
  EXPECT_THAT(app_.ListAssignments(r)->assignments(), IsEmpty());
  r.clear_provider_id();
  EXPECT_TRUE(IsError(app_.ListAssignments(r).status(),
                      absl::StatusCode::kInvalidArgument, {"provider_id"}));
}

TEST_F(ChoiceAppTest, ListRechoiceCasesNeedsExactlyOneOfProviderOrClient) {
  v1::ListRechoiceCasesRequest r;
  EXPECT_TRUE(IsError(app_.ListRechoiceCases(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"exactly one of them"}));
  r.set_client_id("cli-nobody");
  EXPECT_TRUE(IsError(app_.ListRechoiceCases(r).status(),
                      absl::StatusCode::kNotFound, {"cli-nobody"}));
  r.set_provider_id(kAttendo);
  EXPECT_TRUE(IsError(app_.ListRechoiceCases(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"exactly one of them"}));
}

TEST_F(ChoiceAppTest, ZoneHealthCountsTheSelectableProviders) {
  v1::GetZoneHealthRequest r;
  r.set_zone_id("roslagen");
  absl::StatusOr<v1::GetZoneHealthResponse> roslagen = app_.GetZoneHealth(r);
  ASSERT_TRUE(roslagen.ok()) << roslagen.status();
  ASSERT_EQ(roslagen->zones_size(), 2);
  // Only the kommun is approved in roslagen: no real choice there.
  EXPECT_EQ(roslagen->zones(0).category_id(), kService);
  EXPECT_EQ(roslagen->zones(0).selectable_providers(), 1);
  EXPECT_TRUE(roslagen->zones(0).no_real_choice());
  EXPECT_EQ(roslagen->zones(0).as_of(), "2025-03-10");

  r.set_zone_id("north");
  absl::StatusOr<v1::GetZoneHealthResponse> north = app_.GetZoneHealth(r);
  ASSERT_TRUE(north.ok()) << north.status();
  EXPECT_EQ(north->zones(0).selectable_providers(), 3);
  EXPECT_FALSE(north->zones(0).no_real_choice());

  r.set_zone_id("kapellskar");
  EXPECT_TRUE(IsError(app_.GetZoneHealth(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "kapellskar"}));
  EXPECT_EQ(app_.GetZoneHealth({})->zones_size(), 6);
}

TEST_F(ChoiceAppTest, RefreshZoneHealthPublishesOnlyWhatChanged) {
  ASSERT_TRUE(app_.RefreshZoneHealth({}).ok());
  // Three zones, two categories each.
  EXPECT_EQ(Published(v1::ChoiceEvent::kZoneHealth).size(), 6u);
  ASSERT_TRUE(app_.RefreshZoneHealth({}).ok());
  EXPECT_EQ(Published(v1::ChoiceEvent::kZoneHealth).size(), 6u);
  EXPECT_EQ(publisher_.events_.back().aggregate_version(), 6);
}

TEST_F(ChoiceAppTest, ARefreshTakesTheZoneLockOnlyWhenSomethingChanged) {
  store_.locked_.clear();
  ASSERT_TRUE(app_.RefreshZoneHealth({}).ok());
  EXPECT_THAT(store_.locked_, ::testing::ElementsAre("zone-health"));
  store_.locked_.clear();
  ASSERT_TRUE(app_.RefreshZoneHealth({}).ok());
  EXPECT_THAT(store_.locked_, ::testing::IsEmpty());
  EXPECT_EQ(Published(v1::ChoiceEvent::kZoneHealth).size(), 6u);
}

// ------------------------------------------------------------ support level

// The support level a decision grants per category goes into
// DecisionRegistered and DecisionChanged as decided, for settlement's
// rules by level; a refused one publishes nothing.
TEST_F(ChoiceAppTest, TheDecidedSupportLevelIsInTheDecisionEvents) {
  absl::StatusOr<v1::Client> client = Register("reg-1", kTolvan);
  ASSERT_TRUE(client.ok()) << client.status();
  v1::Decision d = HomeHelpDecision("d-1");
  d.mutable_categories(1)->set_support_level("niva-2");  // personal care
  ASSERT_TRUE(RegisterDecision("dec-1", client->client_id(), d).ok());
  std::vector<v1::ChoiceEvent> registered =
      Published(v1::ChoiceEvent::kDecisionRegistered);
  ASSERT_EQ(registered.size(), 1u);
  const v1::Decision& published =
      registered[0].decision_registered().decision();
  ASSERT_EQ(published.categories_size(), 2);
  EXPECT_EQ(published.categories(0).category_id(), kService);
  EXPECT_EQ(published.categories(0).support_level(), "");
  EXPECT_EQ(published.categories(1).category_id(), kCare);
  EXPECT_EQ(published.categories(1).support_level(), "niva-2");
  EXPECT_EQ(
      ClientNow(client->client_id()).decisions(0).categories(1).support_level(),
      "niva-2");

  // Reassessed at level 3 from the same date: the whole new version.
  v1::ChangeDecisionRequest change;
  change.set_request_id("change-1");
  change.set_client_id(client->client_id());
  *change.mutable_decision() = d;
  change.mutable_decision()->mutable_categories(1)->set_support_level("niva-3");
  ASSERT_TRUE(app_.ChangeDecision(change).ok());
  std::vector<v1::ChoiceEvent> changed =
      Published(v1::ChoiceEvent::kDecisionChanged);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(
      changed[0].decision_changed().decision().categories(1).support_level(),
      "niva-3");

  const size_t events = publisher_.events_.size();
  change.set_request_id("change-2");
  change.mutable_decision()->mutable_categories(1)->set_support_level(
      "level two, as assessed by A. Andersson");
  EXPECT_TRUE(IsError(
      app_.ChangeDecision(change).status(), absl::StatusCode::kInvalidArgument,
      {"decision.categories", "support level of 'home-help-personal-care'"}));
  EXPECT_EQ(publisher_.events_.size(), events);
}

}  // namespace
}  // namespace lov::choice
