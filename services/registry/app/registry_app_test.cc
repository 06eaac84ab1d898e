// RegistryApp's commands on memory (fakes in registry_app_test_support.h):
// events, request ids, failures, set-up first. Expected values by hand.
#include "lov/registry/app/registry_app_test_support.h"

namespace lov::registry {
namespace {

using namespace ::lov::registry::test_support;  // NOLINT: fixture, fakes
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ------------------------------------------------------------ events

TEST_F(RegistryAppTest, EachWritePublishesOneEventWithTheNextVersion) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  ASSERT_EQ(publisher_.events_.size(), 1u);
  const v1::RegistryEvent& setup = publisher_.events_[0];
  EXPECT_EQ(setup.payload_case(), v1::RegistryEvent::kMunicipalityConfigured);
  EXPECT_EQ(EventTypeOf(setup), "se.lov.registry.v1.MunicipalityConfigured");
  EXPECT_EQ(setup.aggregate_version(), 1);
  EXPECT_EQ(setup.municipality_configured().municipality().version(), 1);

  absl::StatusOr<v1::Provider> registered = app_.RegisterProvider(
      RegisterRequest("reg-1", "5560360793", "Omsorgshuset i Roslagen AB"));
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->provider_id(), kOmsorgshuset);
  EXPECT_EQ(registered->organisation_number(), "556036-0793");
  EXPECT_EQ(registered->version(), 1);
  ASSERT_EQ(publisher_.events_.size(), 2u);
  const v1::RegistryEvent& reg = publisher_.events_[1];
  EXPECT_EQ(reg.payload_case(), v1::RegistryEvent::kProviderRegistered);
  EXPECT_EQ(EventTypeOf(reg), "se.lov.registry.v1.ProviderRegistered");
  EXPECT_EQ(reg.aggregate_id(), kOmsorgshuset);
  EXPECT_EQ(reg.aggregate_version(), 1);
  EXPECT_EQ(reg.request_id(), "reg-1");
  EXPECT_FALSE(reg.request_fingerprint().empty());
  EXPECT_FALSE(reg.event_id().empty());
  EXPECT_EQ(FromProtoTime(reg.occurred_at()), clock_.now_);
  EXPECT_EQ(reg.provider_registered().provider().version(), 1);

  ASSERT_TRUE(
      app_.SubmitApplication(ApplyRequest("apply-1", kOmsorgshuset,
                                          {"north", "city"}, {kService, kCare}))
          .ok());
  absl::StatusOr<v1::Provider> approved = app_.DecideApplication(
      ApproveRequest("approve-1", kOmsorgshuset, "app-1", "2025-04-01"));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->version(), 3);
  EXPECT_EQ(approved->approvals_size(), 4);

  ASSERT_EQ(publisher_.events_.size(), 4u);
  const v1::RegistryEvent& applied = publisher_.events_[2];
  EXPECT_EQ(applied.payload_case(), v1::RegistryEvent::kApplicationSubmitted);
  EXPECT_EQ(applied.aggregate_version(), 2);
  EXPECT_EQ(applied.request_id(), "apply-1");
  EXPECT_EQ(applied.application_submitted().application_id(), "app-1");

  const v1::RegistryEvent& approval = publisher_.events_[3];
  EXPECT_EQ(approval.payload_case(), v1::RegistryEvent::kApplicationApproved);
  EXPECT_EQ(EventTypeOf(approval), "se.lov.registry.v1.ApplicationApproved");
  EXPECT_EQ(approval.aggregate_id(), kOmsorgshuset);
  EXPECT_EQ(approval.aggregate_version(), 3);
  EXPECT_EQ(approval.request_id(), "approve-1");
  EXPECT_EQ(approval.application_approved().application_id(), "app-1");
  EXPECT_EQ(approval.application_approved().effective_date(), "2025-04-01");
  EXPECT_THAT(approval.application_approved().zone_ids(),
              ElementsAre("north", "city"));
  EXPECT_THAT(approval.application_approved().category_ids(),
              ElementsAre(kService, kCare));
  // The event carries the provider as it is after the change.
  EXPECT_EQ(approval.application_approved().provider().version(), 3);
  EXPECT_EQ(approval.application_approved().provider().approvals_size(), 4);

  // Each event has its own id.
  EXPECT_NE(publisher_.events_[2].event_id(), publisher_.events_[3].event_id());
  // The stored state is the published one.
  EXPECT_EQ(Status(kOmsorgshuset).provider().version(), 3);
}

TEST_F(RegistryAppTest, CapacityEventCarriesPreviousAndCurrentCap) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25)).ok());
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-2", kOmsorgshuset, "north", 30)).ok());
  const v1::RegistryEvent& first =
      publisher_.events_[publisher_.events_.size() - 2];
  EXPECT_EQ(first.payload_case(), v1::RegistryEvent::kCapacityChanged);
  EXPECT_EQ(first.aggregate_version(), 4);
  EXPECT_EQ(first.capacity_changed().zone_id(), "north");
  EXPECT_FALSE(first.capacity_changed().has_previous());
  EXPECT_EQ(first.capacity_changed().current().max_clients(), 25);
  const v1::RegistryEvent& second = publisher_.events_.back();
  EXPECT_EQ(second.aggregate_version(), 5);
  EXPECT_EQ(second.capacity_changed().previous().max_clients(), 25);
  EXPECT_EQ(second.capacity_changed().current().max_clients(), 30);
  EXPECT_EQ(second.capacity_changed().current().effective_date(), "2025-03-10");
}

TEST_F(RegistryAppTest, FingerprintIdentifiesTheRequestNotItsId) {
  SetUpOmsorgshuset();
  // The same pause twice under two ids: two changes, same fingerprint.
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset,
                                                "city", true, "sick leave"))
                  .ok());
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("pause-2", kOmsorgshuset,
                                                "city", true, "sick leave"))
                  .ok());
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("pause-3", kOmsorgshuset,
                                                "north", true, "sick leave"))
                  .ok());
  const size_t n = publisher_.events_.size();
  ASSERT_GE(n, 3u);
  const auto& a = publisher_.events_[n - 3];
  const auto& b = publisher_.events_[n - 2];
  const auto& c = publisher_.events_[n - 1];
  EXPECT_EQ(a.request_id(), "pause-1");
  EXPECT_EQ(b.request_id(), "pause-2");
  EXPECT_EQ(a.request_fingerprint(), b.request_fingerprint());
  EXPECT_NE(a.request_fingerprint(), c.request_fingerprint());
  EXPECT_EQ(c.aggregate_version(), 6);
}

// ------------------------------------------------------------ request ids

TEST_F(RegistryAppTest, RetryReturnsTheFirstResultAndPublishesNothing) {
  SetUpOmsorgshuset();
  const v1::SetCapacityRequest cap =
      CapRequest("cap-1", kOmsorgshuset, "north", 25);
  absl::StatusOr<v1::Provider> first = app_.SetCapacity(cap);
  ASSERT_TRUE(first.ok()) << first.status();
  const size_t published = publisher_.events_.size();

  absl::StatusOr<v1::Provider> retry = app_.SetCapacity(cap);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(publisher_.events_.size(), published);
  EXPECT_EQ(retry->version(), 4);
  ASSERT_EQ(retry->capacity_size(), 1);
  EXPECT_EQ(retry->capacity(0).max_clients(), 25);
  EXPECT_EQ(Status(kOmsorgshuset).provider().version(), 4);
}

TEST_F(RegistryAppTest, RetriedRegistrationAndSetupPublishNothing) {
  const v1::RegisterProviderRequest reg =
      RegisterRequest("reg-1", "5560360793", "Omsorgshuset i Roslagen AB");
  ASSERT_TRUE(app_.RegisterProvider(reg).ok());
  absl::StatusOr<v1::Provider> again = app_.RegisterProvider(reg);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->provider_id(), kOmsorgshuset);
  EXPECT_EQ(again->version(), 1);

  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  absl::StatusOr<v1::Municipality> setup_again =
      Configure("setup-1", Norrtalje());
  ASSERT_TRUE(setup_again.ok()) << setup_again.status();
  EXPECT_EQ(setup_again->version(), 1);
  EXPECT_EQ(publisher_.events_.size(), 2u);
}

TEST_F(RegistryAppTest, RetryIsRecognisedAfterAStateRebuild) {
  SetUpOmsorgshuset();
  // A new replica rebuilds its state from the events alone.
  FakeStore rebuilt;
  for (const auto& e : publisher_.events_) ASSERT_TRUE(rebuilt.Apply(e).ok());
  FakePublisher publisher;
  RegistryApp replica(&rebuilt, &publisher, &clock_, kProviderIdKey);
  absl::StatusOr<v1::Provider> retry = replica.DecideApplication(
      ApproveRequest("approve-1", kOmsorgshuset, "app-1", "2025-01-01"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version(), 3);
  EXPECT_THAT(publisher.events_, IsEmpty());
  EXPECT_TRUE(
      IsError(replica
                  .DecideApplication(ApproveRequest("approve-1", kOmsorgshuset,
                                                    "app-1", "2025-02-01"))
                  .status(),
              absl::StatusCode::kAlreadyExists,
              {"request_id", "approve-1", "different request"}));
}

TEST_F(RegistryAppTest, SameRequestIdForADifferentRequestIsRejected) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25)).ok());
  const size_t published = publisher_.events_.size();
  EXPECT_TRUE(
      IsError(app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 40))
                  .status(),
              absl::StatusCode::kAlreadyExists,
              {"request_id", "cap-1", "different request"}));
  EXPECT_TRUE(
      IsError(app_.RegisterProvider(RegisterRequest("reg-1", "5565541645",
                                                    "Attendo Sverige AB"))
                  .status(),
              absl::StatusCode::kAlreadyExists,
              {"request_id", "reg-1", "different request"}));
  EXPECT_EQ(publisher_.events_.size(), published);
  EXPECT_EQ(Status(kOmsorgshuset).provider().capacity(0).max_clients(), 25);
}

// Two kinds of request can serialise to the same bytes: resuming intake in
// north and capping north at zero clients both hold only provider_id and
// zone_id in fields 2 and 3. Reusing the id must not turn one into a silent
// retry of the other.
TEST_F(RegistryAppTest, SameRequestIdForAnotherKindOfRequestIsRejected) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("change-1", kOmsorgshuset,
                                                "north", false, ""))
                  .ok());
  const size_t published = publisher_.events_.size();
  EXPECT_TRUE(IsError(
      app_.SetCapacity(CapRequest("change-1", kOmsorgshuset, "north", 0))
          .status(),
      absl::StatusCode::kAlreadyExists, {"request_id", "change-1"}));
  EXPECT_EQ(publisher_.events_.size(), published);
}

TEST_F(RegistryAppTest, RequestIdIsRequired) {
  EXPECT_TRUE(IsError(Configure("", Norrtalje()).status(),
                      absl::StatusCode::kInvalidArgument, {"request_id"}));
  SetUpOmsorgshuset();
  EXPECT_TRUE(
      IsError(app_.RegisterProvider(
                      RegisterRequest("", "5565541645", "Attendo Sverige AB"))
                  .status(),
              absl::StatusCode::kInvalidArgument, {"request_id", "required"}));
  EXPECT_TRUE(IsError(
      app_.SetCapacity(CapRequest("", kOmsorgshuset, "north", 10)).status(),
      absl::StatusCode::kInvalidArgument, {"request_id", "required"}));
  EXPECT_EQ(publisher_.events_.size(), 4u);
}

TEST_F(RegistryAppTest, OrganisationNumberIsRegisteredOnce) {
  SetUpOmsorgshuset();
  // The same company, written differently, under a new request id.
  EXPECT_TRUE(
      IsError(app_.RegisterProvider(RegisterRequest("reg-2", "556036-0793",
                                                    "Omsorgshuset AB"))
                  .status(),
              absl::StatusCode::kAlreadyExists,
              {"organisation_number", "556036-0793", "already registered",
               kOmsorgshuset}));
  EXPECT_EQ(publisher_.events_.size(), 4u);
  EXPECT_EQ(Status(kOmsorgshuset).provider().name(),
            "Omsorgshuset i Roslagen AB");
}

// ------------------------------------------------------------ failures

TEST_F(RegistryAppTest, FailedPublishChangesNothing) {
  SetUpOmsorgshuset();
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  const v1::SetCapacityRequest cap =
      CapRequest("cap-1", kOmsorgshuset, "north", 25);
  EXPECT_TRUE(IsError(app_.SetCapacity(cap).status(),
                      absl::StatusCode::kUnavailable,
                      {"not stored", "broker down", "retry"}));
  v1::ProviderStatus status = Status(kOmsorgshuset);
  EXPECT_EQ(status.provider().version(), 3);
  EXPECT_THAT(status.provider().capacity(), IsEmpty());

  EXPECT_TRUE(
      IsError(app_.RegisterProvider(RegisterRequest("reg-2", "5565541645",
                                                    "Attendo Sverige AB"))
                  .status(),
              absl::StatusCode::kUnavailable, {"not stored"}));
  v1::GetProviderRequest get;
  get.set_provider_id(kAttendo);
  EXPECT_EQ(app_.GetProvider(get).status().code(), absl::StatusCode::kNotFound);

  // Once the event log is back, the same request goes through.
  publisher_.fail_with_ = absl::OkStatus();
  absl::StatusOr<v1::Provider> retry = app_.SetCapacity(cap);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version(), 4);
  EXPECT_EQ(Status(kOmsorgshuset).provider().capacity(0).max_clients(), 25);
}

TEST_F(RegistryAppTest, FailedSetupPublishLeavesNoSetup) {
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(IsError(Configure("setup-1", Norrtalje()).status(),
                      absl::StatusCode::kUnavailable, {"not stored"}));
  EXPECT_EQ(app_.GetMunicipality().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RegistryAppTest, RuleViolationPublishesNothing) {
  SetUpOmsorgshuset();
  EXPECT_TRUE(IsError(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "south", 10))
          .status(),
      absl::StatusCode::kFailedPrecondition, {"not approved in zone 'south'"}));
  EXPECT_EQ(publisher_.events_.size(), 4u);
  // A refused request does not use up its id.
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 10)).ok());
}

TEST_F(RegistryAppTest, UnknownProviderIsNotFound) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  EXPECT_TRUE(IsError(
      app_.SetCapacity(CapRequest("cap-1", "prv-0000000000", "north", 10))
          .status(),
      absl::StatusCode::kNotFound, {"provider_id", "prv-0000000000"}));
  v1::GetProviderRequest get;
  get.set_provider_id("prv-0000000000");
  EXPECT_TRUE(IsError(app_.GetProvider(get).status(),
                      absl::StatusCode::kNotFound, {"prv-0000000000"}));
  v1::GetProviderHistoryRequest history;
  history.set_provider_id("prv-0000000000");
  EXPECT_TRUE(IsError(app_.GetProviderHistory(history).status(),
                      absl::StatusCode::kNotFound, {"prv-0000000000"}));
}

// ------------------------------------------------------------ setup first

TEST_F(RegistryAppTest, CommandsNeedTheMunicipalitySetUpFirst) {
  EXPECT_EQ(app_.GetMunicipality().status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Registering needs no setup (the in-house provider is registered first).
  ASSERT_TRUE(
      app_.RegisterProvider(RegisterRequest("reg-1", "5560360793",
                                            "Omsorgshuset i Roslagen AB"))
          .ok());
  EXPECT_TRUE(
      IsError(app_.SubmitApplication(ApplyRequest("apply-1", kOmsorgshuset,
                                                  {"north"}, {kService}))
                  .status(),
              absl::StatusCode::kFailedPrecondition,
              {"not set up", "ConfigureMunicipality"}));
  v1::GetProviderRequest get;
  get.set_provider_id(kOmsorgshuset);
  EXPECT_TRUE(IsError(app_.GetProvider(get).status(),
                      absl::StatusCode::kFailedPrecondition, {"not set up"}));
  EXPECT_TRUE(IsError(app_.ListProviders({}).status(),
                      absl::StatusCode::kFailedPrecondition, {"not set up"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(RegistryAppTest, InvalidSetupIsRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_zones(1)->set_zone_id("north");
  EXPECT_TRUE(IsError(Configure("setup-1", m).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"municipality.zones[1].zone_id", "duplicate"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

TEST_F(RegistryAppTest, SetupChangesGetNewVersions) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  v1::Municipality m = Norrtalje();
  m.set_provider_notice_days(60);
  m.set_version(77);  // ignored
  absl::StatusOr<v1::Municipality> second = Configure("setup-2", m);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version(), 2);
  EXPECT_EQ(app_.GetMunicipality()->provider_notice_days(), 60);
  EXPECT_EQ(publisher_.events_.back().aggregate_version(), 2);
}

TEST_F(RegistryAppTest, InHouseProviderMustBeRegisteredAsInHouse) {
  v1::Municipality m = Norrtalje();
  m.set_in_house_provider_id(kKommun);
  EXPECT_TRUE(IsError(Configure("setup-1", m).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"in_house_provider_id", kKommun, "not registered"}));

  // A private company named as the in-house provider.
  ASSERT_TRUE(app_.RegisterProvider(RegisterRequest("reg-1", "5565541645",
                                                    "Attendo Sverige AB"))
                  .ok());
  m.set_in_house_provider_id(kAttendo);
  EXPECT_TRUE(IsError(
      Configure("setup-2", m).status(), absl::StatusCode::kInvalidArgument,
      {"in_house_provider_id", kAttendo, "not registered as in-house"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);

  absl::StatusOr<v1::Provider> kommun = app_.RegisterProvider(
      RegisterRequest("reg-2", "2120000142", "Norrtälje kommun hemtjänst",
                      v1::PROVIDER_KIND_IN_HOUSE));
  ASSERT_TRUE(kommun.ok()) << kommun.status();
  EXPECT_EQ(kommun->provider_id(), kKommun);
  EXPECT_EQ(kommun->kind(), v1::PROVIDER_KIND_IN_HOUSE);
  m.set_in_house_provider_id(kKommun);
  absl::StatusOr<v1::Municipality> setup = Configure("setup-3", m);
  ASSERT_TRUE(setup.ok()) << setup.status();
  EXPECT_EQ(setup->in_house_provider_id(), kKommun);
}

}  // namespace
}  // namespace lov::registry
