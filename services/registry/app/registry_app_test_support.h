#ifndef LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_TEST_SUPPORT_H_
#define LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_TEST_SUPPORT_H_

// RegistryApp on memory: a map-based store with the Redis store's semantics
// (only a newer aggregate version changes state; request ids and history
// lines come from the events), a publisher that records events and can be
// told to fail, and a fixed clock. Expected values are written by hand.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fixed_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/clock.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/history.h"
#include "status_matchers.h"

namespace lov::registry {
namespace test_support {

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

using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;
// The tests' "now": 09:00 UTC = 10:00 in Stockholm on 2025-03-10.
inline absl::Time TestNow() { return UtcTime(2025, 3, 10, 9); }

using ::lov::testing::IsError;

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
// The key of sole traders' provider ids in these tests.
constexpr char kProviderIdKey[] = "registry-test-provider-id-key-0123456789";

inline v1::Municipality Norrtalje() {
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
  FixedClock clock_{TestNow()};
  RegistryApp app_{&store_, &publisher_, &clock_, kProviderIdKey};
};

}  // namespace test_support
}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_APP_REGISTRY_APP_TEST_SUPPORT_H_
