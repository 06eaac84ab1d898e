// RegistryApp on memory: a map-based store with the Redis store's semantics
// (only a newer aggregate version changes state; request ids and history
// lines come from the events), a publisher that records events and can be
// told to fail, and a fixed clock. Expected values are written by hand.
#include "lov/registry/app/registry_app.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/registry/domain/history.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/clock.h"
#include "lov/platform/proto_util.h"

namespace lov::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ------------------------------------------------------------ fakes

class FakeStore : public RegistryStore {
 public:
  absl::StatusOr<std::optional<v1::Municipality>> GetMunicipality() override {
    return municipality_;
  }
  absl::StatusOr<std::optional<v1::Provider>> GetProvider(
      const std::string& provider_id) override {
    auto it = providers_.find(provider_id);
    if (it == providers_.end()) return std::optional<v1::Provider>();
    return std::optional<v1::Provider>(it->second);
  }
  absl::StatusOr<std::vector<v1::Provider>> ListProviders() override {
    std::vector<v1::Provider> out;
    for (const auto& [id, p] : providers_) out.push_back(p);
    return out;
  }
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  absl::StatusOr<std::vector<v1::HistoryEntry>> History(
      const std::string& provider_id) override {
    return history_[provider_id];
  }
  absl::Status Apply(const v1::RegistryEvent& event) override {
    std::string key;
    int64_t current = 0;
    if (event.has_municipality_configured()) {
      key = "municipality";
      if (municipality_) current = municipality_->version();
    } else if (const v1::Provider* p = ProviderOf(event)) {
      key = p->provider_id();
      auto it = providers_.find(key);
      if (it != providers_.end()) current = it->second.version();
    } else {
      return absl::InvalidArgumentError("event without payload");
    }
    if (event.aggregate_version() <= current) return absl::OkStatus();
    if (event.has_municipality_configured()) {
      municipality_ = event.municipality_configured().municipality();
    } else {
      providers_[key] = *ProviderOf(event);
    }
    history_[key].push_back(DescribeEvent(event));
    if (!event.request_id().empty()) {
      requests_[event.request_id()] =
          RequestRecord{event.request_fingerprint(), event.aggregate_id()};
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override {
    locked_.push_back(aggregate_id);
    return std::make_unique<AggregateLock>();
  }

  std::vector<std::string> locked_;

 private:
  std::optional<v1::Municipality> municipality_;
  std::map<std::string, v1::Provider> providers_;
  std::map<std::string, RequestRecord> requests_;
  std::map<std::string, std::vector<v1::HistoryEntry>> history_;
};

class FakePublisher : public EventPublisher {
 public:
  absl::Status Publish(const v1::RegistryEvent& event) override {
    if (!fail_with_.ok()) return fail_with_;
    events_.push_back(event);
    return absl::OkStatus();
  }
  std::vector<v1::RegistryEvent> events_;
  absl::Status fail_with_;
};

class FixedClock : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  // 09:00 UTC = 10:00 in Stockholm on 2025-03-10.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2025, 3, 10, 9, 0, 0),
                                    absl::UTCTimeZone());
};

::testing::AssertionResult IsError(const absl::Status& status,
                                   absl::StatusCode code,
                                   const std::vector<std::string>& words) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "code is " << absl::StatusCodeToString(status.code())
           << ", expected " << absl::StatusCodeToString(code) << " ("
           << status.message() << ")";
  }
  const std::string message(status.message());
  for (const auto& w : words) {
    if (message.find(w) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << message << "\" lacks \"" << w << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

// ------------------------------------------------------------ setup

constexpr char kService[] = "home-help-service";
constexpr char kCare[] = "home-help-personal-care";
constexpr char kDegree[] = "university-care-degree";
// Luhn sums worked by hand (from the right, every second digit doubled):
// 556036-0793: 3+9+7+0+6+6+0+3+5+1 = 40.
// 556554-1645: 5+8+6+2+4+1+5+3+5+1 = 40.
// 212000-0142 (Norrtälje kommun): 2+8+1+0+0+0+0+4+1+4 = 20.
constexpr char kOmsorgshuset[] = "prv-5560360793";
constexpr char kAttendo[] = "prv-5565541645";
constexpr char kKommun[] = "prv-2120000142";

v1::Municipality Norrtalje() {
  v1::Municipality m;
  m.set_municipality_id("0188");
  m.set_name("Norrtälje");
  m.set_provider_notice_days(90);
  m.set_stop_intake_on_notice(true);
  struct Z {
    const char* id;
    v1::AreaType area;
  };
  for (const Z& z :
       {Z{"north", v1::AREA_TYPE_RURAL}, Z{"south", v1::AREA_TYPE_URBAN},
        Z{"roslagen", v1::AREA_TYPE_RURAL}, Z{"city", v1::AREA_TYPE_URBAN}}) {
    v1::Zone* zone = m.add_zones();
    zone->set_zone_id(z.id);
    zone->set_name(z.id);
    zone->set_area_type(z.area);
  }
  for (const char* id : {kService, kCare, "rehabilitation", "companion-service",
                         "respite-care"}) {
    v1::ServiceCategory* c = m.add_categories();
    c->set_category_id(id);
    c->set_name(id);
  }
  m.mutable_categories(1)->add_required_manager_qualifications(kDegree);
  return m;
}

class RegistryAppTest : public ::testing::Test {
 protected:
  absl::StatusOr<v1::Municipality> Configure(const std::string& request_id,
                                             const v1::Municipality& m) {
    v1::ConfigureMunicipalityRequest r;
    r.set_request_id(request_id);
    *r.mutable_municipality() = m;
    return app_.ConfigureMunicipality(r);
  }

  v1::RegisterProviderRequest RegisterRequest(
      const std::string& request_id, const std::string& org,
      const std::string& name,
      v1::ProviderKind kind = v1::PROVIDER_KIND_PRIVATE) {
    v1::RegisterProviderRequest r;
    r.set_request_id(request_id);
    r.set_organisation_number(org);
    r.set_name(name);
    r.set_kind(kind);
    r.add_manager_qualifications(kDegree);
    r.mutable_profile()->add_languages("fi");
    return r;
  }

  v1::SubmitApplicationRequest ApplyRequest(
      const std::string& request_id, const std::string& provider_id,
      const std::vector<std::string>& zones,
      const std::vector<std::string>& categories) {
    v1::SubmitApplicationRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_id);
    for (const auto& z : zones) r.add_zone_ids(z);
    for (const auto& c : categories) r.add_category_ids(c);
    return r;
  }

  v1::DecideApplicationRequest ApproveRequest(const std::string& request_id,
                                              const std::string& provider_id,
                                              const std::string& app_id,
                                              const std::string& from) {
    v1::DecideApplicationRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_id);
    r.set_application_id(app_id);
    r.set_approve(true);
    r.set_effective_date(from);
    return r;
  }

  v1::SetCapacityRequest CapRequest(const std::string& request_id,
                                    const std::string& provider_id,
                                    const std::string& zone, int max_clients) {
    v1::SetCapacityRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_id);
    r.set_zone_id(zone);
    r.set_max_clients(max_clients);
    return r;
  }

  v1::SetIntakePausedRequest PauseRequest(const std::string& request_id,
                                          const std::string& provider_id,
                                          const std::string& zone, bool paused,
                                          const std::string& reason) {
    v1::SetIntakePausedRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_id);
    r.set_zone_id(zone);
    r.set_paused(paused);
    r.set_reason(reason);
    return r;
  }

  // Setup, then Omsorgshuset approved for home help in north and city from
  // 2025-01-01: versions 1 (registered), 2 (applied), 3 (approved).
  void SetUpOmsorgshuset() {
    ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
    ASSERT_TRUE(
        app_.RegisterProvider(RegisterRequest("reg-1", "5560360793",
                                              "Omsorgshuset i Roslagen AB"))
            .ok());
    ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-1", kOmsorgshuset,
                                                    {"north", "city"},
                                                    {kService, kCare}))
                    .ok());
    absl::StatusOr<v1::Provider> p = app_.DecideApplication(
        ApproveRequest("approve-1", kOmsorgshuset, "app-1", "2025-01-01"));
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_EQ(p->version(), 3);
  }

  v1::ProviderStatus Status(const std::string& provider_id) {
    v1::GetProviderRequest r;
    r.set_provider_id(provider_id);
    return app_.GetProvider(r).value();
  }

  static std::vector<std::string> Ids(const v1::ListProvidersResponse& r) {
    std::vector<std::string> ids;
    for (const auto& p : r.providers())
      ids.push_back(p.provider().provider_id());
    return ids;
  }

  FakeStore store_;
  FakePublisher publisher_;
  FixedClock clock_;
  RegistryApp app_{&store_, &publisher_, &clock_};
};

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
  RegistryApp replica(&rebuilt, &publisher, &clock_);
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

// ------------------------------------------------------------ queries

class ListProvidersTest : public RegistryAppTest {
 protected:
  // Omsorgshuset: north and city, service and care, paused in the city.
  // Attendo: south, service only. Kommun: registered, not yet approved.
  void SetUp() override {
    SetUpOmsorgshuset();
    ASSERT_TRUE(
        app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset, "city",
                                          true, "staff shortage"))
            .ok());
    ASSERT_TRUE(app_.RegisterProvider(RegisterRequest("reg-2", "5565541645",
                                                      "Attendo Sverige AB"))
                    .ok());
    ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-2", kAttendo,
                                                    {"south"}, {kService}))
                    .ok());
    ASSERT_TRUE(app_.DecideApplication(ApproveRequest("approve-2", kAttendo,
                                                      "app-1", "2025-02-01"))
                    .ok());
    ASSERT_TRUE(
        app_.RegisterProvider(RegisterRequest("reg-3", "2120000142",
                                              "Norrtälje kommun hemtjänst",
                                              v1::PROVIDER_KIND_IN_HOUSE))
            .ok());
  }

  v1::ListProvidersResponse List(const std::string& zone,
                                 const std::string& category,
                                 bool accepting_only) {
    v1::ListProvidersRequest r;
    r.set_zone_id(zone);
    r.set_category_id(category);
    r.set_accepting_only(accepting_only);
    absl::StatusOr<v1::ListProvidersResponse> out = app_.ListProviders(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::ListProvidersResponse();
  }
};

TEST_F(ListProvidersTest, WithoutFiltersListsEveryProvider) {
  v1::ListProvidersResponse all = List("", "", false);
  EXPECT_THAT(Ids(all), ElementsAre(kKommun, kOmsorgshuset, kAttendo));
  EXPECT_FALSE(all.providers(0).active());
  EXPECT_THAT(all.providers(0).statuses(), IsEmpty());
  EXPECT_EQ(all.providers(1).statuses_size(), 4);
  EXPECT_EQ(all.providers(1).as_of(), "2025-03-10");
}

TEST_F(ListProvidersTest, FiltersByZone) {
  v1::ListProvidersResponse north = List("north", "", false);
  EXPECT_THAT(Ids(north), ElementsAre(kOmsorgshuset));
  for (const auto& st : north.providers(0).statuses()) {
    EXPECT_EQ(st.zone_id(), "north");
  }
  EXPECT_EQ(north.providers(0).statuses_size(), 2);
  EXPECT_THAT(Ids(List("south", "", false)), ElementsAre(kAttendo));
  EXPECT_THAT(Ids(List("roslagen", "", false)), IsEmpty());
}

TEST_F(ListProvidersTest, FiltersByCategory) {
  EXPECT_THAT(Ids(List("", kCare, false)), ElementsAre(kOmsorgshuset));
  EXPECT_THAT(Ids(List("", kService, false)),
              ElementsAre(kOmsorgshuset, kAttendo));
}

TEST_F(ListProvidersTest, AcceptingOnlyLeavesOutPausedProviders) {
  // Omsorgshuset is paused in the city: still listed as approved there, but
  // not as accepting.
  EXPECT_THAT(Ids(List("city", kService, false)), ElementsAre(kOmsorgshuset));
  EXPECT_THAT(Ids(List("city", kService, true)), IsEmpty());
  v1::ListProvidersResponse accepting = List("", "", true);
  EXPECT_THAT(Ids(accepting), ElementsAre(kOmsorgshuset, kAttendo));
  for (const auto& st : accepting.providers(0).statuses()) {
    EXPECT_EQ(st.zone_id(), "north");
    EXPECT_TRUE(st.accepting_new_clients());
  }
}

TEST_F(ListProvidersTest, AsOfShowsFutureApprovals) {
  ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-3", kKommun,
                                                  {"roslagen"}, {kService}))
                  .ok());
  ASSERT_TRUE(app_.DecideApplication(ApproveRequest("approve-3", kKommun,
                                                    "app-1", "2025-04-01"))
                  .ok());
  EXPECT_THAT(Ids(List("roslagen", "", false)), IsEmpty());
  v1::ListProvidersRequest r;
  r.set_zone_id("roslagen");
  r.set_as_of("2025-04-01");
  EXPECT_THAT(Ids(app_.ListProviders(r).value()), ElementsAre(kKommun));
}

TEST_F(ListProvidersTest, UnknownZoneOrCategoryOrDateIsRejected) {
  v1::ListProvidersRequest r;
  r.set_zone_id("kapellskar");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone", "kapellskar"}));
  r.clear_zone_id();
  r.set_category_id("night-patrol");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"category_id", "unknown category", "night-patrol"}));
  r.clear_category_id();
  r.set_as_of("10/03/2025");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument, {"as_of"}));
}

TEST_F(RegistryAppTest, HistoryHasOneReadableEntryPerChange) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25)).ok());
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset,
                                                "city", true, "staff shortage"))
                  .ok());
  v1::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(kOmsorgshuset);
  notice.set_zone_id("north");
  notice.set_effective_date("2025-06-08");
  notice.set_reason("too few clients");
  ASSERT_TRUE(app_.GiveNotice(notice).ok());
  v1::ImposeSanctionRequest warning;
  warning.set_request_id("sanction-1");
  warning.set_provider_id(kOmsorgshuset);
  warning.set_kind(v1::SANCTION_KIND_WARNING);
  warning.set_reason("missed visits");
  ASSERT_TRUE(app_.ImposeSanction(warning).ok());
  // Neither a retry nor a failed publish adds a line.
  ASSERT_TRUE(app_.ImposeSanction(warning).ok());
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  ASSERT_FALSE(
      app_.SetCapacity(CapRequest("cap-2", kOmsorgshuset, "north", 5)).ok());

  v1::GetProviderHistoryRequest r;
  r.set_provider_id(kOmsorgshuset);
  absl::StatusOr<v1::GetProviderHistoryResponse> history =
      app_.GetProviderHistory(r);
  ASSERT_TRUE(history.ok()) << history.status();
  std::vector<std::string> summaries, types, request_ids;
  std::vector<int64_t> versions;
  for (const auto& e : history->entries()) {
    summaries.push_back(e.summary());
    types.push_back(e.event_type());
    request_ids.push_back(e.request_id());
    versions.push_back(e.version());
    EXPECT_EQ(FromProtoTime(e.at()), clock_.now_);
  }
  EXPECT_THAT(
      summaries,
      ElementsAre("registered Omsorgshuset i Roslagen AB (556036-0793)",
                  "applied (app-1) for home-help-service, "
                  "home-help-personal-care in north, city",
                  "approved (app-1) for home-help-service, "
                  "home-help-personal-care in north, city from 2025-01-01",
                  "capacity in north changed from no cap to 25 clients from "
                  "2025-03-10",
                  "intake paused in city: staff shortage",
                  "notice given to leave zone north on 2025-06-08: too few "
                  "clients",
                  "warning (san-1): missed visits"));
  EXPECT_THAT(types, ElementsAre("se.lov.registry.v1.ProviderRegistered",
                                 "se.lov.registry.v1.ApplicationSubmitted",
                                 "se.lov.registry.v1.ApplicationApproved",
                                 "se.lov.registry.v1.CapacityChanged",
                                 "se.lov.registry.v1.IntakePauseChanged",
                                 "se.lov.registry.v1.NoticeGiven",
                                 "se.lov.registry.v1.SanctionImposed"));
  EXPECT_THAT(request_ids, ElementsAre("reg-1", "apply-1", "approve-1", "cap-1",
                                       "pause-1", "notice-1", "sanction-1"));
  EXPECT_THAT(versions, ElementsAre(1, 2, 3, 4, 5, 6, 7));
}

TEST_F(RegistryAppTest, GetProviderShowsTheStatusOnTheDayAsked) {
  SetUpOmsorgshuset();
  v1::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(kOmsorgshuset);
  notice.set_zone_id("north");
  notice.set_effective_date("2025-06-08");
  ASSERT_TRUE(app_.GiveNotice(notice).ok());

  v1::ProviderStatus today = Status(kOmsorgshuset);
  EXPECT_EQ(today.as_of(), "2025-03-10");
  EXPECT_TRUE(today.active());
  EXPECT_EQ(today.statuses_size(), 4);
  for (const auto& st : today.statuses()) {
    if (st.zone_id() == "north") {
      EXPECT_FALSE(st.accepting_new_clients());
      EXPECT_THAT(st.reasons(), ElementsAre("notice given: leaves 2025-06-08"));
    } else {
      EXPECT_TRUE(st.accepting_new_clients());
    }
  }
  v1::GetProviderRequest later;
  later.set_provider_id(kOmsorgshuset);
  later.set_as_of("2025-06-08");
  v1::ProviderStatus after = app_.GetProvider(later).value();
  ASSERT_EQ(after.statuses_size(), 2);
  for (const auto& st : after.statuses()) EXPECT_EQ(st.zone_id(), "city");
  later.set_as_of("2025-13-01");
  EXPECT_TRUE(IsError(app_.GetProvider(later).status(),
                      absl::StatusCode::kInvalidArgument, {"as_of"}));
}

TEST_F(RegistryAppTest, TodayIsTheStockholmDate) {
  SetUpOmsorgshuset();
  // 23:30 UTC on 9 March is 00:30 on 10 March in Stockholm.
  clock_.now_ = absl::FromCivil(absl::CivilSecond(2025, 3, 9, 23, 30, 0),
                                absl::UTCTimeZone());
  absl::StatusOr<v1::Provider> p =
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->capacity(0).effective_date(), "2025-03-10");
  EXPECT_EQ(Status(kOmsorgshuset).as_of(), "2025-03-10");
}

}  // namespace
}  // namespace lov::registry
