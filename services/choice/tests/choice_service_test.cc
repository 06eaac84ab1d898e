// The choice binary (two replicas where it matters) and the registry binary
// as processes, driven through gRPC against the real Kafka and Redis; the
// choice events read back as an outside subscriber would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "identity_fixtures.h"
#include "lov/choice/adapters/choice_projections.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov::choice {
namespace {

namespace v1 = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;
using ::lov::testing::TestOrganisationNumber;
using ::lov::testing::TestPersonnummer;

// A key-encryption key of the tests' own: 32 bytes.
PersonnummerVault TestVault() {
  return *PersonnummerVault::Create("lov-choice-store-test-kek-32byte");
}

constexpr char kService[] = "home-help-service";
constexpr char kCare[] = "home-help-personal-care";

std::string Date(absl::CivilDay d) { return FormatDate(d); }

class ChoiceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    today_ = StockholmDate(absl::Now());
    registry_ = std::make_unique<ServiceProcess>(
        "services/registry/registry",
        std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(registry_->Start().ok()) << registry_->Log();
    registry_stub_ = reg::RegistryService::NewStub(registry_->Channel());
  }

  // Each test starts its replicas once: a replaced consumer-group member
  // would hold its partitions until the broker's session timeout.
  void StartChoice(int replicas) {
    choice_.clear();
    stubs_.clear();
    for (int i = 0; i < replicas; ++i) {
      auto p = std::make_unique<ServiceProcess>(
          "services/choice/choice",
          std::vector<std::string>{"--namespace=" + ns_});
      ASSERT_TRUE(p->Start().ok()) << p->Log();
      stubs_.push_back(v1::ChoiceService::NewStub(p->Channel()));
      choice_.push_back(std::move(p));
    }
  }

  template <typename Stub, typename Req, typename Resp>
  static grpc::Status Call(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                        const Req&, Resp*),
                           const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return (stub.*method)(&ctx, req, resp);
  }
  template <typename Req, typename Resp>
  grpc::Status CallChoice(grpc::Status (v1::ChoiceService::Stub::*method)(
                              grpc::ClientContext*, const Req&, Resp*),
                          const Req& req, Resp* resp, int replica = 0) {
    return Call(*stubs_[replica], method, req, resp);
  }
  template <typename Req, typename Resp>
  grpc::Status CallRegistry(grpc::Status (reg::RegistryService::Stub::*method)(
                                grpc::ClientContext*, const Req&, Resp*),
                            const Req& req, Resp* resp) {
    return Call(*registry_stub_, method, req, resp);
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

  // The provider as the client's eligible list shows it, if it is there.
  std::optional<v1::EligibleProvider> Listed(const std::string& client_id,
                                             const std::string& provider_id) {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(client_id);
    v1::ListEligibleProvidersResponse out;
    if (!CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, &out)
             .ok()) {
      return std::nullopt;
    }
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

  std::string topic() const {
    return absl::StrCat(ns_, ".", lov::topics::kChoiceEvents);
  }
  std::string keys_topic() const {
    return absl::StrCat(ns_, ".", kChoiceKeysTopic);
  }

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

  std::string ns_;
  absl::CivilDay today_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<reg::RegistryService::Stub> registry_stub_;
  std::vector<std::unique_ptr<ServiceProcess>> choice_;
  std::vector<std::unique_ptr<v1::ChoiceService::Stub>> stubs_;
};

TEST_F(ChoiceServiceTest, ParallelChoicesForTheLastSlotGiveExactlyOneSuccess) {
  StartChoice(2);  // two replicas sharing Redis and Kafka
  ConfigureMunicipality();
  const std::string a = Provider(1, "Attendo Sverige AB");
  const std::string b = Provider(2, "Tiohundra AB");
  SetCap(a, 1);
  WaitForSelectable("north", 2);
  constexpr int kClients = 16;
  std::vector<std::string> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(Client(i, i % 2));
  ASSERT_TRUE(Eventually([&] {
    std::optional<v1::EligibleProvider> p = Listed(clients[0], a);
    return p && p->capped() && p->free_slots() == 1;
  }));

  EXPECT_EQ(ChooseAtOnce(clients, a, "capacity cap"), 1);

  v1::ListAssignmentsRequest list;
  list.set_provider_id(a);
  v1::ListAssignmentsResponse assigned;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::ListAssignments, list, &assigned)
          .ok());
  EXPECT_EQ(assigned.assignments_size(), 1);

  // A is full now: only B is selectable, so north has no real choice. The
  // list is read from each replica's projection, which may apply the
  // assignment a moment after the answer (the cap itself is checked by the
  // write path above).
  v1::ListEligibleProvidersRequest r;
  r.set_client_id(clients[1]);
  v1::ListEligibleProvidersResponse eligible;
  EXPECT_TRUE(Eventually([&] {
    eligible.Clear();
    return CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r,
                      &eligible)
               .ok() &&
           eligible.providers_size() == 1;
  }));
  ASSERT_EQ(eligible.providers_size(), 1);
  EXPECT_EQ(eligible.providers(0).provider_id(), b);
  v1::GetZoneHealthRequest hr;
  hr.set_zone_id("north");
  v1::GetZoneHealthResponse health;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::GetZoneHealth, hr, &health).ok());
  for (const auto& h : health.zones()) {
    EXPECT_EQ(h.selectable_providers(), 1);
    EXPECT_TRUE(h.no_real_choice());
  }
  std::vector<v1::ChoiceEvent> events = AllEvents();
  int started = 0;
  bool flagged = false;
  for (const auto& e : events) {
    started += e.has_assignment_started();
    if (e.has_zone_health() && e.zone_health().zone_id() == "north" &&
        e.zone_health().no_real_choice()) {
      flagged = true;
    }
  }
  EXPECT_EQ(started, 1);
  EXPECT_TRUE(flagged) << "a ZoneHealth event flags north as no real choice";
}

TEST_F(ChoiceServiceTest, AnHoursCapHoldsUnderParallelChoices) {
  StartChoice(2);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Attendo Sverige AB");
  const std::string b = Provider(2, "Tiohundra AB");
  // Any number of clients, but at most 50 granted hours a month; each
  // client below is granted 20 h (10 h service + 10 h care): two fit.
  SetCap(a, -1, 50);
  WaitForSelectable("north", 2);
  constexpr int kClients = 8;
  std::vector<std::string> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(Client(i, i % 2));
  ASSERT_TRUE(Eventually([&] {
    std::optional<v1::EligibleProvider> p = Listed(clients[0], a);
    return p && !p->capped() && p->max_hours_per_month() == 50;
  }));

  EXPECT_EQ(ChooseAtOnce(clients, a, "hours cap"), 2);

  // 40 h held: a 20 h client no longer fits, so A is not on the list...
  std::string refused;
  for (const auto& c : clients) {
    if (Get(c).assignments().empty()) refused = c;
  }
  ASSERT_FALSE(refused.empty());
  ASSERT_TRUE(Eventually([&] {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(refused);
    v1::ListEligibleProvidersResponse out;
    return CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, &out)
               .ok() &&
           out.providers_size() == 1 && out.providers(0).provider_id() == b;
  }));
  // ...and choosing it names the cap and the hours.
  v1::ChooseResponse out;
  grpc::Status s = Choose(refused, a, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("at hours cap 50 h a month (40 h granted "
                                   "to its clients in the zone, this client "
                                   "20 h)"),
            std::string::npos)
      << s.error_message();
  // B has no cap and takes the client.
  EXPECT_TRUE(Choose(refused, b, &out).ok());
}

TEST_F(ChoiceServiceTest, ADecisionThatAddsACategoryExtendsTheClientsProvider) {
  StartChoice(1);
  ConfigureMunicipality();
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
  const std::string a = Provider(1, "Attendo Sverige AB");
  const std::string b = Provider(2, "Tiohundra AB");
  WaitForSelectable("north", 2);
  // Two clients granted home help (service) only, one with each provider.
  auto service_only = [&](int n, const std::string& provider) {
    v1::RegisterClientRequest r;
    r.set_request_id(absl::StrCat("client-", n));
    r.set_personnummer(TestPersonnummer(n));
    r.set_zone_id("north");
    v1::Client c;
    EXPECT_TRUE(
        CallChoice(&v1::ChoiceService::Stub::RegisterClient, r, &c).ok());
    v1::RegisterDecisionRequest d;
    d.set_request_id(absl::StrCat("decision-", n));
    d.set_client_id(c.client_id());
    v1::Decision* dec = d.mutable_decision();
    dec->set_decision_id(absl::StrCat("dec-", n));
    auto* g = dec->add_categories();
    g->set_category_id(kService);
    g->set_minutes_per_month(600);
    dec->set_valid_from(Date(today_ - 10));
    dec->set_decided_on(Date(today_ - 20));
    EXPECT_TRUE(
        CallChoice(&v1::ChoiceService::Stub::RegisterDecision, d, &c).ok());
    v1::ChooseResponse chosen;
    grpc::Status s = Choose(c.client_id(), provider, &chosen);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return std::make_pair(c.client_id(), *dec);
  };
  auto add_care = [&](const std::string& client_id, v1::Decision dec) {
    auto* g = dec.add_categories();
    g->set_category_id(kCare);
    g->set_minutes_per_month(900);
    v1::ChangeDecisionRequest r;
    r.set_request_id("add-care-" + client_id);
    r.set_client_id(client_id);
    *r.mutable_decision() = dec;
    v1::Client c;
    grpc::Status s =
        CallChoice(&v1::ChoiceService::Stub::ChangeDecision, r, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  };
  const auto [one, first] = service_only(1, a);
  const auto [two, second] = service_only(2, b);

  // A takes personal care too, from today, as its own assignment.
  v1::Client c = add_care(one, first);
  ASSERT_EQ(c.assignments_size(), 2);
  const v1::Assignment& extended = c.assignments(1);
  EXPECT_EQ(extended.provider_id(), a);
  EXPECT_EQ(extended.reason(), v1::ASSIGNMENT_REASON_EXTENDED);
  ASSERT_EQ(extended.category_ids_size(), 1);
  EXPECT_EQ(extended.category_ids(0), kCare);
  EXPECT_EQ(extended.valid_from(), Date(today_));
  EXPECT_EQ(extended.valid_to(), "");

  // B has paused its intake: the client keeps B for service and chooses
  // someone for personal care.
  reg::SetIntakePausedRequest pause;
  pause.set_request_id("pause-b");
  pause.set_provider_id(b);
  pause.set_zone_id("north");
  pause.set_paused(true);
  pause.set_reason("staff shortage");
  reg::Provider paused;
  ASSERT_TRUE(
      CallRegistry(&reg::RegistryService::Stub::SetIntakePaused, pause, &paused)
          .ok());
  WaitForSelectable("north", 1);
  c = add_care(two, second);
  ASSERT_EQ(c.assignments_size(), 1);
  EXPECT_EQ(c.assignments(0).provider_id(), b);

  // The extension is an event like any other assignment.
  int extended_events = 0;
  for (const auto& e : AllEvents()) {
    if (e.has_assignment_started() &&
        e.assignment_started().assignment().reason() ==
            v1::ASSIGNMENT_REASON_EXTENDED) {
      ++extended_events;
      EXPECT_EQ(e.aggregate_id(), one);
    }
  }
  EXPECT_EQ(extended_events, 1);
}

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
  StartChoice(1);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Allegio Omsorg AB");
  const std::string b = Provider(2, "Attendo Sverige AB");
  WaitForSelectable("north", 2);
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
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

TEST_F(ChoiceServiceTest, BadInputIsRejectedNamingTheRuleAndWritesNothing) {
  StartChoice(1);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Attendo Sverige AB");
  const std::string south_only = Provider(2, "Väddö Vård AB", {"south"});
  WaitForSelectable("north", 1);

  v1::RegisterClientRequest bad_pnr;
  bad_pnr.set_request_id("bad-1");
  std::string wrong = TestPersonnummer(1);
  wrong.back() = wrong.back() == '9' ? '0' : wrong.back() + 1;
  bad_pnr.set_personnummer(wrong);
  bad_pnr.set_zone_id("north");
  v1::Client out;
  grpc::Status s =
      CallChoice(&v1::ChoiceService::Stub::RegisterClient, bad_pnr, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("personnummer"), std::string::npos);
  EXPECT_EQ(s.error_message().find(wrong.substr(2)), std::string::npos)
      << "the error must not echo the number";

  v1::RegisterClientRequest bad_zone;
  bad_zone.set_request_id("bad-2");
  bad_zone.set_personnummer(TestPersonnummer(2));
  bad_zone.set_zone_id("atlantis");
  s = CallChoice(&v1::ChoiceService::Stub::RegisterClient, bad_zone, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("zone_id: unknown zone 'atlantis'"),
            std::string::npos)
      << s.error_message();
  v1::FindClientRequest find;
  find.set_personnummer(TestPersonnummer(2));
  EXPECT_EQ(
      CallChoice(&v1::ChoiceService::Stub::FindClient, find, &out).error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::RegisterClientRequest good = bad_zone;
  good.set_request_id("good-1");
  good.set_zone_id("north");
  v1::Client client;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::RegisterClient, good, &client).ok());
  EXPECT_EQ(client.personnummer(), TestPersonnummer(2));

  v1::RegisterDecisionRequest backwards;
  backwards.set_request_id("dec-bad");
  backwards.set_client_id(client.client_id());
  v1::Decision* d = backwards.mutable_decision();
  d->set_decision_id("dec-1");
  auto* g = d->add_categories();
  g->set_category_id(kService);
  g->set_minutes_per_month(300);
  d->set_valid_from(Date(today_));
  d->set_valid_to(Date(today_ - 1));
  d->set_decided_on(Date(today_ - 3));
  s = CallChoice(&v1::ChoiceService::Stub::RegisterDecision, backwards, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("decision.valid_to: a decision cannot end"),
            std::string::npos)
      << s.error_message();

  v1::RegisterDecisionRequest ok_decision = backwards;
  ok_decision.set_request_id("dec-ok");
  ok_decision.mutable_decision()->clear_valid_to();
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::RegisterDecision, ok_decision, &out)
          .ok());

  v1::ChooseResponse chosen;
  s = Choose(client.client_id(), south_only, &chosen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("is not eligible"), std::string::npos);
  EXPECT_NE(s.error_message().find("not approved for home-help-service in "
                                   "zone north"),
            std::string::npos)
      << s.error_message();
  s = Choose(client.client_id(), "prv-0000000000", &chosen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // A request id reused for a different request is refused.
  ASSERT_TRUE(Choose(client.client_id(), a, &chosen, 0, "choose-1").ok());
  ASSERT_TRUE(Choose(client.client_id(), a, &chosen, 0, "choose-1").ok())
      << "a retry returns the result";
  s = Choose(client.client_id(), south_only, &chosen, 0, "choose-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // Only the accepted changes are in the state and the topic.
  v1::Client stored = Get(client.client_id());
  EXPECT_EQ(stored.decisions_size(), 1);
  EXPECT_EQ(stored.assignments_size(), 1);
  std::vector<std::string> types;
  for (const auto& e : AllEvents()) {
    if (e.has_zone_health()) continue;
    types.push_back(std::string(
        e.GetDescriptor()->FindFieldByNumber(e.payload_case())->name()));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"client_registered",
                                             "decision_registered",
                                             "assignment_started"}));
}

TEST_F(ChoiceServiceTest, StateRebuiltFromKafkaHasTheSameAssignments) {
  StartChoice(1);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Allegio Omsorg AB");
  const std::string b = Provider(2, "Attendo Sverige AB");
  SetCap(a, 3);
  WaitForSelectable("north", 2);
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
  std::vector<std::string> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(Client(i));
  v1::ChooseResponse out;
  ASSERT_TRUE(Choose(clients[0], a, &out).ok());
  ASSERT_TRUE(Choose(clients[1], a, &out).ok());
  ASSERT_TRUE(Choose(clients[2], b, &out).ok());
  ASSERT_TRUE(Choose(clients[0], b, &out).ok());  // a re-choice, pending
  for (int i = 3; i < 6; ++i) {
    v1::AllocateNonChoiceRequest r;
    r.set_request_id(absl::StrCat("nc-", i));
    r.set_client_id(clients[i]);
    v1::AllocateNonChoiceResponse nc;
    grpc::Status s =
        CallChoice(&v1::ChoiceService::Stub::AllocateNonChoice, r, &nc);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::EndClientRequest end;
  end.set_request_id("end-1");
  end.set_client_id(clients[1]);
  end.set_reason(v1::END_REASON_CLIENT_DECEASED);
  end.set_last_day(Date(today_ + 2));
  v1::Client ended;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::EndClient, end, &ended).ok());
  EXPECT_EQ(ended.status(), v1::CLIENT_STATUS_ENDED);

  auto snapshot = [&] {
    std::map<std::string, std::string> s;
    for (const auto& id : clients) {
      v1::Client c = Get(id);
      c.clear_personnummer();
      s[id] = c.SerializeAsString();
    }
    for (const auto& p : {a, b}) {
      v1::ListAssignmentsRequest r;
      r.set_provider_id(p);
      v1::ListAssignmentsResponse l;
      EXPECT_TRUE(
          CallChoice(&v1::ChoiceService::Stub::ListAssignments, r, &l).ok());
      s["provider " + p] = l.SerializeAsString();
    }
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(clients[2]);
    r.set_seed(7);
    v1::ListEligibleProvidersResponse l;
    EXPECT_TRUE(
        CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, &l)
            .ok());
    s["eligible"] = l.SerializeAsString();
    return s;
  };
  const auto before = snapshot();
  EXPECT_EQ(Get(clients[3]).personnummer(), TestPersonnummer(3));

  choice_[0]->Kill();
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok());
  int64_t wiped = 0;
  std::string cursor = "0";
  do {
    auto r = (*redis)->Command(
        {"SCAN", cursor, "MATCH", ns_ + ":lov:choice:*", "COUNT", "1000"});
    ASSERT_TRUE(r.ok());
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) {
      ASSERT_TRUE((*redis)->Command({"DEL", k.str}).ok());
      ++wiped;
    }
  } while (cursor != "0");
  EXPECT_GT(wiped, 10);
  StartChoice(1);

  EXPECT_EQ(snapshot(), before);
  // The number is rebuilt too: decrypted from ClientRegistered with the
  // client's data key from the key topic.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Get(clients[i]).personnummer(), TestPersonnummer(i));
  }
  v1::FindClientRequest find;
  find.set_personnummer(TestPersonnummer(3));
  v1::Client found;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::FindClient, find, &found).ok());
  EXPECT_EQ(found.client_id(), clients[3]);
  EXPECT_EQ(found.personnummer(), TestPersonnummer(3));
}

// The probe's "Redis restarted while clients register": an acknowledged
// registration's personnummer is in Kafka (encrypted, never in clear), so
// a state rebuilt from nothing shows it again.
TEST_F(ChoiceServiceTest, APersonnummerSurvivesALostStateEncryptedInTheLog) {
  StartChoice(1);
  ConfigureMunicipality();
  v1::RegisterClientRequest r;
  r.set_request_id("reg-durable");
  r.set_personnummer(TestPersonnummer(4));
  r.set_zone_id("north");
  v1::Client client;
  grpc::Status s =
      CallChoice(&v1::ChoiceService::Stub::RegisterClient, r, &client);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::vector<CloudEvent> keys = ReadEvents(keys_topic(), 1);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key, client.client_id());
  EXPECT_EQ(keys[0].type, "se.lov.choice.v1.ClientDataKeyIssued");
  const std::string registered_type = "se.lov.choice.v1.ClientRegistered";
  std::vector<CloudEvent> events =
      ::lov::testing::ReadEventsUntil(topic(), [&](const auto& arrived) {
        return std::any_of(
            arrived.begin(), arrived.end(),
            [&](const CloudEvent& ce) { return ce.type == registered_type; });
      });
  events.push_back(keys[0]);
  v1::ChoiceEvent registered;
  for (const CloudEvent& ce : events) {
    EXPECT_TRUE(FindPersonnummer(ce.data).empty()) << ce.type;
    for (const auto& [name, value] : ce.extra_headers) {
      EXPECT_TRUE(FindPersonnummer(value).empty()) << name;
    }
    if (ce.type == registered_type) {
      ASSERT_TRUE(registered.ParseFromString(ce.data));
    }
  }
  EXPECT_EQ(registered.aggregate_id(), client.client_id());
  EXPECT_FALSE(registered.client_registered().personnummer_sealed().empty());

  choice_[0]->Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(ns_ + ":lov:choice:*");
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  EXPECT_GT(*wiped, 3);
  StartChoice(1);
  v1::Client rebuilt = Get(client.client_id());
  EXPECT_EQ(rebuilt.personnummer(), TestPersonnummer(4));
  EXPECT_EQ(choice_[0]->Log().find(TestPersonnummer(4)), std::string::npos);
}

// The personnummer key is required: choice refuses to start, naming the flag
// and the variable. (The empty flag wins over the key ServiceProcess gives in
// the environment.)
TEST(ChoiceStartupTest, RefusesToStartWithoutAKeyOutsideDevelopment) {
  ServiceProcess choice(
      "services/choice/choice",
      {"--namespace=t" + NewUuid().substr(0, 8), "--pnr-hmac-key="});
  absl::Status started = choice.Start(absl::Seconds(20));
  EXPECT_EQ(started.code(), absl::StatusCode::kFailedPrecondition) << started;
  EXPECT_NE(choice.Log().find("--pnr-hmac-key / LOV_PNR_HMAC_KEY: a secret "
                              "key is required"),
            std::string::npos)
      << choice.Log();
}

// The state projection on the real Redis, without the service: a client's
// event dead-lettered by the consumer leaves a gap in its versions, and the
// next event of that client is applied over it (its partition goes on),
// while the command path still waits for the projection to catch up.
TEST(ChoiceStateProjectionTest,
     AClientsNextEventIsAppliedOverADeadLetteredOne) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const PersonnummerVault vault = TestVault();
  RedisChoiceStore store(redis->get(),
                         "lov:" + ::lov::testing::UniqueName("gap"), &vault);
  EventHandler projection = StateProjection(&store);
  auto event = [](int64_t version) {
    v1::ChoiceEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id("client-gap");
    e.set_aggregate_version(version);
    return e;
  };
  v1::ChoiceEvent registered = event(1);
  registered.mutable_client_registered()->set_client_id("client-gap");
  registered.mutable_client_registered()->set_zone_id("north");
  ASSERT_TRUE(projection(ToCloudEvent(registered, "/lov/choice")).ok());
  // Version 2 did not decode and went to the dead-letter topic.
  v1::ChoiceEvent moved = event(3);
  moved.mutable_client_zone_changed()->set_client_id("client-gap");
  moved.mutable_client_zone_changed()->set_previous_zone_id("north");
  moved.mutable_client_zone_changed()->set_zone_id("south");

  absl::Status waits = store.Apply(moved);
  EXPECT_EQ(waits.code(), absl::StatusCode::kUnavailable) << waits;
  absl::Status applied = projection(ToCloudEvent(moved, "/lov/choice"));
  ASSERT_TRUE(applied.ok()) << applied;
  absl::StatusOr<std::optional<v1::Client>> client =
      store.GetClient("client-gap");
  ASSERT_TRUE(client.ok() && client->has_value()) << client.status();
  EXPECT_EQ((*client)->version(), 3);
  EXPECT_EQ((*client)->zone_id(), "south");
}

// The same on the real Redis, without the service: the personnummer is
// decrypted whichever of ClientRegistered and the client's data key the
// projection applies first (they are on two topics), and a tombstone on the
// key topic (crypto-shredding) erases it from the state.
TEST(ChoiceStateProjectionTest,
     ThePersonnummerIsDecryptedInEitherOrderAndShreddingErasesIt) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const PersonnummerVault vault = TestVault();
  RedisChoiceStore store(redis->get(),
                         "lov:" + ::lov::testing::UniqueName("pnr"), &vault);
  EventHandler projection = StateProjection(&store);
  // Client `client_id` with TestPersonnummer(n), and its key event.
  auto registration = [&](const std::string& client_id, int n,
                          v1::ChoiceKeyEvent* key) {
    absl::StatusOr<PersonnummerVault::DataKey> data_key =
        vault.IssueDataKey(client_id);
    EXPECT_TRUE(data_key.ok()) << data_key.status();
    key->set_event_id(NewUuid());
    key->set_aggregate_id(client_id);
    *key->mutable_client_data_key_issued() = data_key->issued;
    v1::ChoiceEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(client_id);
    e.set_aggregate_version(1);
    e.mutable_client_registered()->set_client_id(client_id);
    e.mutable_client_registered()->set_zone_id("north");
    *e.mutable_client_registered()->mutable_personnummer_sealed() =
        *PersonnummerVault::Seal(data_key->key, client_id, TestPersonnummer(n));
    return e;
  };
  auto pnr_of = [&](const std::string& client_id) {
    absl::StatusOr<std::optional<v1::Client>> c = store.GetClient(client_id);
    EXPECT_TRUE(c.ok() && c->has_value()) << c.status();
    return c.ok() && c->has_value() ? (*c)->personnummer() : "?";
  };
  v1::ChoiceKeyEvent key_a, key_bb;
  v1::ChoiceEvent a = registration("a", 1, &key_a);
  v1::ChoiceEvent bb = registration("bb", 2, &key_bb);
  ASSERT_TRUE(projection(ToCloudEvent(a, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("a"), "");
  ASSERT_TRUE(projection(ToCloudEvent(key_a, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("a"), TestPersonnummer(1));
  ASSERT_TRUE(projection(ToCloudEvent(key_bb, "/lov/choice")).ok());
  ASSERT_TRUE(projection(ToCloudEvent(bb, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("bb"), TestPersonnummer(2));

  CloudEvent tombstone;
  tombstone.id = NewUuid();
  tombstone.type = kDataKeyShreddedType;
  tombstone.key = "a";
  ASSERT_TRUE(projection(tombstone).ok());
  EXPECT_EQ(pnr_of("a"), "");
  EXPECT_EQ(pnr_of("bb"), TestPersonnummer(2));
}

}  // namespace
}  // namespace lov::choice
