#ifndef LOV_SERVICES_CHOICE_TESTS_CHOICE_SERVICE_TEST_FIXTURE_H_
#define LOV_SERVICES_CHOICE_TESTS_CHOICE_SERVICE_TEST_FIXTURE_H_

// The fixture of the choice service tests (choice_*_service_test.cc): the
// registry binary and the choice binary (two replicas where it matters) as
// processes in a namespace of the test's own (ServiceTestStack), driven
// through gRPC against the real Kafka and Redis: the registry set up as a
// municipality would, clients registered with their decisions, and the
// choice events read back as an outside subscriber would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "identity_fixtures.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_test_stack.h"
#include "test_stack.h"

namespace lov::choice::service_test {

namespace v1 = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;
using ::lov::testing::CallWithDeadline;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ServiceTestStack;
using ::lov::testing::Stack;
using ::lov::testing::TestOrganisationNumber;
using ::lov::testing::TestPersonnummer;

inline constexpr char kService[] = "home-help-service";
inline constexpr char kCare[] = "home-help-personal-care";

inline std::string Date(absl::CivilDay d) { return FormatDate(d); }

class ChoiceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    today_ = StockholmDate(absl::Now());
    absl::Status started = stack_.Start("registry");
    ASSERT_TRUE(started.ok()) << started;
    registry_stub_ = stack_.NewStub<reg::RegistryService>("registry");
  }

  // Each test starts its replicas once: a replaced consumer-group member
  // would hold its partitions until the broker's session timeout.
  void StartChoice(int replicas) {
    stack_.Stop("choice");
    stubs_.clear();
    for (int i = 0; i < replicas; ++i) {
      absl::Status started = stack_.Start("choice");
      ASSERT_TRUE(started.ok()) << started;
      stubs_.push_back(stack_.NewStub<v1::ChoiceService>("choice", i));
    }
  }

  template <typename Req, typename Resp>
  grpc::Status CallChoice(grpc::Status (v1::ChoiceService::Stub::*method)(
                              grpc::ClientContext*, const Req&, Resp*),
                          const Req& req, Resp* resp, int replica = 0) {
    return CallWithDeadline(*stubs_[replica], method, req, resp);
  }
  template <typename Req, typename Resp>
  grpc::Status CallRegistry(grpc::Status (reg::RegistryService::Stub::*method)(
                                grpc::ClientContext*, const Req&, Resp*),
                            const Req& req, Resp* resp) {
    return CallWithDeadline(*registry_stub_, method, req, resp);
  }

  // ---- registry setup
  void ConfigureMunicipality() {
    reg::ConfigureMunicipalityRequest req;
    req.set_request_id("setup");
    reg::Municipality* m = req.mutable_municipality();
    m->set_municipality_id("0188");
    m->set_name("Norrtälje");
    m->set_provider_notice_days(30);
    m->set_stop_intake_on_notice(true);
    for (const char* z : {"north", "south"}) {
      auto* zone = m->add_zones();
      zone->set_zone_id(z);
      zone->set_name(z);
      zone->set_area_type(reg::AREA_TYPE_RURAL);
    }
    for (const char* c : {kService, kCare}) {
      auto* cat = m->add_categories();
      cat->set_category_id(c);
      cat->set_name(c);
    }
    reg::Municipality out;
    grpc::Status s = CallRegistry(
        &reg::RegistryService::Stub::ConfigureMunicipality, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string Provider(int n, const std::string& name,
                       std::vector<std::string> zones = {"north"}) {
    reg::RegisterProviderRequest r;
    r.set_request_id(absl::StrCat("reg-", n));
    r.set_organisation_number(TestOrganisationNumber(n));
    r.set_name(name);
    r.set_kind(reg::PROVIDER_KIND_PRIVATE);
    r.mutable_profile()->add_languages("fi");
    reg::Provider p;
    grpc::Status s =
        CallRegistry(&reg::RegistryService::Stub::RegisterProvider, r, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    reg::SubmitApplicationRequest apply;
    apply.set_request_id(absl::StrCat("apply-", n));
    apply.set_provider_id(p.provider_id());
    for (const auto& z : zones) apply.add_zone_ids(z);
    apply.add_category_ids(kService);
    apply.add_category_ids(kCare);
    s = CallRegistry(&reg::RegistryService::Stub::SubmitApplication, apply, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (p.applications().empty()) {
      ADD_FAILURE() << "no application for " << name;
      return p.provider_id();
    }
    reg::DecideApplicationRequest decide;
    decide.set_request_id(absl::StrCat("decide-", n));
    decide.set_provider_id(p.provider_id());
    decide.set_application_id(p.applications(0).application_id());
    decide.set_approve(true);
    decide.set_effective_date("2025-01-01");
    s = CallRegistry(&reg::RegistryService::Stub::DecideApplication, decide,
                     &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p.provider_id();
  }

  // max_clients < 0: no cap on clients; max_hours 0: none on hours.
  void SetCap(const std::string& provider_id, int max_clients,
              int max_hours = 0) {
    reg::SetCapacityRequest r;
    r.set_request_id("cap-" + provider_id);
    r.set_provider_id(provider_id);
    r.set_zone_id("north");
    r.set_remove_cap(max_clients < 0);
    r.set_max_clients(std::max(max_clients, 0));
    r.set_max_hours_per_month(max_hours);
    reg::Provider p;
    grpc::Status s =
        CallRegistry(&reg::RegistryService::Stub::SetCapacity, r, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Waits until the choice service has seen the registry's providers.
  void WaitForSelectable(const std::string& zone, int count) {
    EXPECT_TRUE(Eventually([&] {
      v1::GetZoneHealthRequest r;
      r.set_zone_id(zone);
      v1::GetZoneHealthResponse h;
      if (!CallChoice(&v1::ChoiceService::Stub::GetZoneHealth, r, &h).ok())
        return false;
      return h.zones_size() > 0 && h.zones(0).selectable_providers() == count;
    })) << "the choice service never saw "
        << count << " providers in " << zone;
  }

  void ConfigurePolicy(v1::AllocationPolicy allocation) {
    v1::ConfigurePolicyRequest r;
    r.set_request_id("policy-1");
    v1::ChoicePolicy* p = r.mutable_policy();
    p->set_allocation_policy(allocation);
    p->set_rechoice_timing(v1::RECHOICE_TIMING_NOTICE_DAYS);
    p->set_rechoice_notice_days(14);
    p->set_one_provider_for_all_categories(true);
    p->set_rechoice_deadline_lead_days(14);
    v1::ChoicePolicy out;
    grpc::Status s =
        CallChoice(&v1::ChoiceService::Stub::ConfigurePolicy, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // One choice replica, the municipality, the providers "Allegio Omsorg AB"
  // and "Attendo Sverige AB" in the north (seen by the choice service) and
  // rotation for the clients who do not choose. Returns the two ids.
  std::pair<std::string, std::string> TwoProvidersByRotation() {
    StartChoice(1);
    ConfigureMunicipality();
    std::pair<std::string, std::string> ids = {
        Provider(1, "Allegio Omsorg AB"), Provider(2, "Attendo Sverige AB")};
    WaitForSelectable("north", 2);
    ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
    return ids;
  }

  // ---- clients
  std::string Client(int n, int replica = 0) {
    v1::RegisterClientRequest r;
    r.set_request_id(absl::StrCat("client-", n));
    r.set_personnummer(TestPersonnummer(n));
    r.set_zone_id("north");
    v1::Client c;
    grpc::Status s =
        CallChoice(&v1::ChoiceService::Stub::RegisterClient, r, &c, replica);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::RegisterDecisionRequest d;
    d.set_request_id(absl::StrCat("decision-", n));
    d.set_client_id(c.client_id());
    v1::Decision* dec = d.mutable_decision();
    dec->set_decision_id(absl::StrCat("dec-", n));
    for (const char* cat : {kService, kCare}) {
      auto* g = dec->add_categories();
      g->set_category_id(cat);
      g->set_minutes_per_month(600);
    }
    dec->set_valid_from(Date(today_ - 10));
    dec->set_decided_on(Date(today_ - 20 + n % 10));
    s = CallChoice(&v1::ChoiceService::Stub::RegisterDecision, d, &c, replica);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c.client_id();
  }

  grpc::Status Choose(const std::string& client_id,
                      const std::string& provider_id, v1::ChooseResponse* out,
                      int replica = 0, const std::string& request_id = "") {
    v1::ChooseRequest r;
    r.set_request_id(request_id.empty() ? "choose-" + NewUuid() : request_id);
    r.set_client_id(client_id);
    r.set_provider_id(provider_id);
    return CallChoice(&v1::ChoiceService::Stub::Choose, r, out, replica);
  }

  // A provider for a client who does not choose, as the policy allocates.
  grpc::Status AllocateNonChoice(const std::string& client_id,
                                 const std::string& request_id,
                                 v1::AllocateNonChoiceResponse* out) {
    v1::AllocateNonChoiceRequest r;
    r.set_request_id(request_id);
    r.set_client_id(client_id);
    return CallChoice(&v1::ChoiceService::Stub::AllocateNonChoice, r, out);
  }

  // `clients` choose `provider` at once, spread over the replicas; returns
  // how many succeeded. Every refusal must be FAILED_PRECONDITION naming
  // `cap`.
  int ChooseAtOnce(const std::vector<std::string>& clients,
                   const std::string& provider, const std::string& cap) {
    const int n = static_cast<int>(clients.size());
    const int replicas = static_cast<int>(stubs_.size());
    std::atomic<int> ready{0};
    std::vector<grpc::Status> results(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < n) std::this_thread::yield();
        v1::ChooseResponse out;
        results[i] = Choose(clients[i], provider, &out, i % replicas);
      });
    }
    for (auto& t : threads) t.join();
    int ok = 0;
    for (const auto& s : results) {
      if (s.ok()) {
        ++ok;
        continue;
      }
      EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << s.error_message();
      EXPECT_NE(s.error_message().find(cap), std::string::npos)
          << s.error_message();
    }
    return ok;
  }

  // The client's eligible list: with `seed` the list of that seed (0: a
  // fresh one), `page_size` and `page_token` a page of it, `language` only
  // the providers that speak it.
  grpc::Status ListEligible(const std::string& client_id,
                            v1::ListEligibleProvidersResponse* out,
                            uint64_t seed = 0, int page_size = 0,
                            const std::string& page_token = "",
                            const std::string& language = "") {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(client_id);
    r.set_seed(seed);
    r.set_page_size(page_size);
    r.set_page_token(page_token);
    r.set_language(language);
    return CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, out);
  }

  // The provider as the client's eligible list shows it, if it is there.
  std::optional<v1::EligibleProvider> Listed(const std::string& client_id,
                                             const std::string& provider_id) {
    v1::ListEligibleProvidersResponse out;
    if (!ListEligible(client_id, &out).ok()) return std::nullopt;
    for (const auto& p : out.providers()) {
      if (p.provider_id() == provider_id) return p;
    }
    return std::nullopt;
  }

  v1::Client Get(const std::string& client_id) {
    v1::GetClientRequest r;
    r.set_client_id(client_id);
    v1::Client c;
    grpc::Status s = CallChoice(&v1::ChoiceService::Stub::GetClient, r, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  }

  std::string topic() const { return stack_.Topic(lov::topics::kChoiceEvents); }
  std::string keys_topic() const { return stack_.Topic(kChoiceKeysTopic); }

  // Every event now in the choice topic, read by a subscriber of its own.
  std::vector<v1::ChoiceEvent> AllEvents() {
    int64_t total = 0;
    EXPECT_TRUE(ReplayTopics(
                    Stack().reader("count"), {topic()},
                    [](const CloudEvent&) { return absl::OkStatus(); }, &total)
                    .ok());
    std::vector<v1::ChoiceEvent> out;
    for (const CloudEvent& ce : ReadEvents(topic(), total)) {
      v1::ChoiceEvent e;
      EXPECT_TRUE(e.ParseFromString(ce.data));
      EXPECT_EQ(ce.source, "/lov/choice");
      EXPECT_EQ(ce.key, e.aggregate_id());
      EXPECT_EQ(ce.id, e.event_id());
      out.push_back(std::move(e));
    }
    EXPECT_EQ(out.size(), static_cast<size_t>(total));
    return out;
  }

  ServiceTestStack stack_;
  absl::CivilDay today_;
  std::unique_ptr<reg::RegistryService::Stub> registry_stub_;
  std::vector<std::unique_ptr<v1::ChoiceService::Stub>> stubs_;
};

}  // namespace lov::choice::service_test

#endif  // LOV_SERVICES_CHOICE_TESTS_CHOICE_SERVICE_TEST_FIXTURE_H_
