#ifndef LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_APP_FIXTURE_H_
#define LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_APP_FIXTURE_H_

// ChoiceApp on the fakes, in Norrtälje with three providers: the setting
// of the application tests, and the helpers that read like their steps.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/testing/choice_fakes.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/proto_util.h"

namespace lov::choice {

inline constexpr char kService[] = "home-help-service";
inline constexpr char kCare[] = "home-help-personal-care";
inline constexpr char kOmsorgshuset[] = "prv-5560360793";
inline constexpr char kAttendo[] = "prv-5565541645";
inline constexpr char kKommun[] = "prv-2120000142";
inline constexpr char kPnrKey[] = "test-key";
// Personnummer, Luhn sums worked by hand over the nine digits after the
// century (every second digit doubled from the left, digits of products
// added):
// 1912121212-12: 2+2+2+2+2+2+2+2+2 = 18 -> check digit 2.
inline constexpr char kTolvan[] = "191212121212";
// 19800101-0027: 7+0+0+1+0+1+0+0+4 = 13 -> 7.
inline constexpr char kAnna[] = "198001010027";
// 19400101-1008: 8+0+0+1+0+1+2+0+0 = 12 -> 8.
inline constexpr char kBengt[] = "194001011008";

inline reg::Municipality Norrtalje() {
  reg::Municipality m;
  m.set_municipality_id("0188");
  m.set_name("Norrtälje");
  m.set_in_house_provider_id(kKommun);
  m.set_provider_notice_days(30);
  m.set_stop_intake_on_notice(true);
  for (const char* id : {"north", "south", "roslagen"}) {
    reg::Zone* zone = m.add_zones();
    zone->set_zone_id(id);
    zone->set_name(id);
    zone->set_area_type(reg::AREA_TYPE_RURAL);
  }
  for (const char* id : {kService, kCare}) {
    reg::ServiceCategory* c = m.add_categories();
    c->set_category_id(id);
    c->set_name(id);
  }
  return m;
}

// Registered at version 1, approved for both categories in `zones` from
// 2025-01-01.
inline reg::Provider ApprovedProvider(const std::string& id,
                                      const std::string& name,
                                      reg::ProviderKind kind,
                                      const std::vector<std::string>& zones) {
  reg::Provider p;
  p.set_provider_id(id);
  p.set_name(name);
  p.set_kind(kind);
  p.set_version(1);
  for (const auto& zone : zones) {
    for (const char* category : {kService, kCare}) {
      reg::Approval* a = p.add_approvals();
      a->set_zone_id(zone);
      a->set_category_id(category);
      a->set_effective_from("2025-01-01");
    }
  }
  return p;
}

inline reg::RegistryEvent ProviderRegistered(const reg::Provider& p) {
  reg::RegistryEvent e;
  e.set_event_id("registered-" + p.provider_id());
  e.set_aggregate_id(p.provider_id());
  e.set_aggregate_version(p.version());
  *e.mutable_provider_registered()->mutable_provider() = p;
  return e;
}

// Omsorgshuset: north (capped at one client) and south. Attendo: north.
// Norrtälje kommun (in-house): north, south and roslagen.
inline reg::Provider Omsorgshuset() {
  reg::Provider p =
      ApprovedProvider(kOmsorgshuset, "Omsorgshuset i Roslagen AB",
                       reg::PROVIDER_KIND_PRIVATE, {"north", "south"});
  reg::CapacityCap* cap = p.add_capacity();
  cap->set_zone_id("north");
  cap->set_capped(true);
  cap->set_max_clients(1);
  cap->set_effective_date("2025-01-01");
  return p;
}
inline reg::Provider Attendo() {
  return ApprovedProvider(kAttendo, "Attendo Sverige AB",
                          reg::PROVIDER_KIND_PRIVATE, {"north"});
}
inline reg::Provider Kommun() {
  return ApprovedProvider(kKommun, "Norrtälje kommun hemtjänst",
                          reg::PROVIDER_KIND_IN_HOUSE,
                          {"north", "south", "roslagen"});
}

// Attendo (version 2) gives notice to leave the north on 2025-04-15.
inline reg::RegistryEvent AttendoGivesNotice() {
  reg::Provider p = Attendo();
  p.set_version(2);
  reg::Notice* n = p.add_notices();
  n->set_zone_id("north");
  n->set_given_on("2025-03-10");
  n->set_effective_date("2025-04-15");
  reg::RegistryEvent e;
  e.set_event_id("0a1b2c3d-notice");
  e.set_aggregate_id(kAttendo);
  e.set_aggregate_version(2);
  auto* notice = e.mutable_notice_given();
  *notice->mutable_provider() = p;
  notice->set_zone_id("north");
  notice->set_effective_date("2025-04-15");
  return e;
}

// Home help 10 h and personal care 5 h a month from 2025-03-01.
inline v1::Decision HomeHelpDecision(const std::string& decision_id,
                                     const std::string& from = "2025-03-01") {
  v1::Decision d;
  d.set_decision_id(decision_id);
  v1::GrantedCategory* service = d.add_categories();
  service->set_category_id(kService);
  service->set_minutes_per_month(600);
  v1::GrantedCategory* care = d.add_categories();
  care->set_category_id(kCare);
  care->set_minutes_per_month(300);
  d.set_valid_from(from);
  d.set_decided_on("2025-02-20");
  return d;
}

class ChoiceAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reg::RegistryEvent setup;
    setup.set_event_id("setup");
    setup.set_aggregate_id("municipality");
    setup.set_aggregate_version(1);
    *setup.mutable_municipality_configured()->mutable_municipality() =
        Norrtalje();
    ASSERT_TRUE(store_.ApplyRegistry(setup).ok());
    for (const reg::Provider& p : {Omsorgshuset(), Attendo(), Kommun()}) {
      ASSERT_TRUE(store_.ApplyRegistry(ProviderRegistered(p)).ok());
    }
  }

  absl::StatusOr<v1::Client> Register(const std::string& request_id,
                                      const std::string& pnr,
                                      const std::string& zone = "north") {
    v1::RegisterClientRequest r;
    r.set_request_id(request_id);
    r.set_personnummer(pnr);
    r.set_zone_id(zone);
    return app_.RegisterClient(r);
  }

  absl::StatusOr<v1::Client> RegisterDecision(const std::string& request_id,
                                              const std::string& client_id,
                                              const v1::Decision& decision) {
    v1::RegisterDecisionRequest r;
    r.set_request_id(request_id);
    r.set_client_id(client_id);
    *r.mutable_decision() = decision;
    return app_.RegisterDecision(r);
  }

  // A client in `zone` with HomeHelpDecision("dec-<name>"); request ids
  // "reg-<name>" and "dec-<name>".
  std::string ClientWithDecision(const std::string& name,
                                 const std::string& pnr,
                                 const std::string& zone = "north") {
    absl::StatusOr<v1::Client> c = Register("reg-" + name, pnr, zone);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return "";
    absl::StatusOr<v1::Client> d = RegisterDecision(
        "dec-" + name, c->client_id(), HomeHelpDecision("dec-" + name));
    EXPECT_TRUE(d.ok()) << d.status();
    return c->client_id();
  }

  absl::StatusOr<v1::ChooseResponse> Choose(const std::string& request_id,
                                            const std::string& client_id,
                                            const std::string& provider_id) {
    v1::ChooseRequest r;
    r.set_request_id(request_id);
    r.set_client_id(client_id);
    r.set_provider_id(provider_id);
    r.set_list_seed(42);
    return app_.Choose(r);
  }

  absl::StatusOr<v1::AllocateNonChoiceResponse> AllocateNonChoice(
      const std::string& request_id, const std::string& client_id) {
    v1::AllocateNonChoiceRequest r;
    r.set_request_id(request_id);
    r.set_client_id(client_id);
    return app_.AllocateNonChoice(r);
  }

  v1::Client ClientNow(const std::string& client_id) {
    v1::GetClientRequest r;
    r.set_client_id(client_id);
    absl::StatusOr<v1::Client> c = app_.GetClient(r);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : v1::Client();
  }

  // The published events of one kind, in order.
  std::vector<v1::ChoiceEvent> Published(v1::ChoiceEvent::PayloadCase kind) {
    std::vector<v1::ChoiceEvent> out;
    for (const auto& e : publisher_.events_) {
      if (e.payload_case() == kind) out.push_back(e);
    }
    return out;
  }

  // The published events of the clients (no zone health), in order.
  std::vector<std::string> ClientEventTypes() {
    std::vector<std::string> out;
    for (const auto& e : publisher_.events_) {
      if (!e.has_zone_health()) out.push_back(EventTypeOf(e));
    }
    return out;
  }

  static constexpr absl::CivilDay kToday{2025, 3, 10};

  // The key-encryption key of the tests: 32 bytes.
  static constexpr char kTestKek[] = "lov-choice-unit-test-kek-32bytes";
  PersonnummerVault vault_ = *PersonnummerVault::Create(kTestKek);
  FakeChoiceStore store_{&vault_};
  FakePublisher publisher_;
  FixedClock clock_{TestNow()};
  ChoiceApp app_{&store_, &publisher_, &clock_, PersonnummerKey(kPnrKey),
                 &vault_};
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_APP_FIXTURE_H_
