// Load driver: Choose latency at a fixed rate over two choice replicas,
// with ghz. A registry and two choice replicas run under a namespace of
// their own; providers with a cap on clients, and more clients than the caps
// hold, are set up through the APIs; then, each at --rate requests per second
// split over the two replicas, in the same run:
//   1. the gRPC health check (the peer: TLS + gRPC on this machine, no work),
//   2. ListEligibleProviders (a read, audited),
//   3. Choose, one per client (a write through Kafka, capped).
// Prints p50/p99/max of each and checks from the choice topic, as a
// subscriber, that no provider got more clients than its cap. Kafka and
// Redis come from LOV_TEST_ENV_FILE. Not a test.
//
//   choice_latency_bench --ghz=PATH --protoset=FILE [--rate=500]
//                        [--seconds=10] [--providers=10]
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "ghz_run.h"
#include "identity_fixtures.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace {

namespace v1 = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;
using lov::testing::ServiceProcess;

constexpr char kZone[] = "north";
constexpr char kCategory[] = "home-help-service";

int Fail(const std::string& what) {
  std::fprintf(stderr, "choice_latency_bench: %s\n", what.c_str());
  return 1;
}

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&,
                                               Resp*),
                  const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub.*method)(&ctx, req, resp);
}

// The municipality and `n` approved providers in kZone, each capped at
// `cap` clients; their ids.
absl::StatusOr<std::vector<std::string>> SetUpRegistry(
    reg::RegistryService::Stub& registry, int n, int cap) {
  reg::ConfigureMunicipalityRequest muni;
  muni.set_request_id("bench-municipality");
  reg::Municipality* m = muni.mutable_municipality();
  m->set_municipality_id("0188");
  m->set_name("Bench");
  m->set_provider_notice_days(30);
  auto* zone = m->add_zones();
  zone->set_zone_id(kZone);
  zone->set_name(kZone);
  zone->set_area_type(reg::AREA_TYPE_URBAN);
  auto* cat = m->add_categories();
  cat->set_category_id(kCategory);
  cat->set_name(kCategory);
  reg::Municipality configured;
  grpc::Status s =
      Call(registry, &reg::RegistryService::Stub::ConfigureMunicipality, muni,
           &configured);
  if (!s.ok())
    return absl::InternalError("ConfigureMunicipality: " + s.error_message());
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    reg::RegisterProviderRequest r;
    r.set_request_id(absl::StrCat("reg-", i));
    r.set_organisation_number(lov::testing::TestOrganisationNumber(i));
    r.set_name(absl::StrCat("Bench provider ", i));
    r.set_kind(reg::PROVIDER_KIND_PRIVATE);
    reg::Provider p;
    s = Call(registry, &reg::RegistryService::Stub::RegisterProvider, r, &p);
    if (!s.ok())
      return absl::InternalError("RegisterProvider: " + s.error_message());
    reg::SubmitApplicationRequest apply;
    apply.set_request_id(absl::StrCat("apply-", i));
    apply.set_provider_id(p.provider_id());
    apply.add_zone_ids(kZone);
    apply.add_category_ids(kCategory);
    s = Call(registry, &reg::RegistryService::Stub::SubmitApplication, apply,
             &p);
    if (!s.ok() || p.applications().empty()) {
      return absl::InternalError("SubmitApplication: " + s.error_message());
    }
    reg::DecideApplicationRequest decide;
    decide.set_request_id(absl::StrCat("decide-", i));
    decide.set_provider_id(p.provider_id());
    decide.set_application_id(p.applications(0).application_id());
    decide.set_approve(true);
    decide.set_effective_date("2025-01-01");
    s = Call(registry, &reg::RegistryService::Stub::DecideApplication, decide,
             &p);
    if (!s.ok())
      return absl::InternalError("DecideApplication: " + s.error_message());
    reg::SetCapacityRequest capacity;
    capacity.set_request_id("cap-" + p.provider_id());
    capacity.set_provider_id(p.provider_id());
    capacity.set_zone_id(kZone);
    capacity.set_max_clients(cap);
    s = Call(registry, &reg::RegistryService::Stub::SetCapacity, capacity, &p);
    if (!s.ok())
      return absl::InternalError("SetCapacity: " + s.error_message());
    ids.push_back(p.provider_id());
  }
  return ids;
}

// `n` clients in kZone with a decision, registered on `threads` threads
// over the replicas; their ids.
absl::StatusOr<std::vector<std::string>> RegisterClients(
    std::vector<std::unique_ptr<v1::ChoiceService::Stub>>& replicas, int n) {
  const absl::CivilDay today = lov::StockholmDate(absl::Now());
  std::vector<std::string> ids(n);
  std::atomic<int> next{0};
  std::mutex mu;
  std::string error;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        auto& stub = *replicas[i % replicas.size()];
        v1::RegisterClientRequest r;
        r.set_request_id(absl::StrCat("client-", i));
        r.set_personnummer(lov::testing::TestPersonnummer(i));
        r.set_zone_id(kZone);
        v1::Client c;
        grpc::Status s =
            Call(stub, &v1::ChoiceService::Stub::RegisterClient, r, &c);
        v1::RegisterDecisionRequest d;
        d.set_request_id(absl::StrCat("decision-", i));
        d.set_client_id(c.client_id());
        v1::Decision* dec = d.mutable_decision();
        dec->set_decision_id(absl::StrCat("dec-", i));
        auto* g = dec->add_categories();
        g->set_category_id(kCategory);
        g->set_minutes_per_month(600);
        dec->set_valid_from(lov::FormatDate(today - 10));
        dec->set_decided_on(lov::FormatDate(today - 20));
        if (s.ok()) {
          s = Call(stub, &v1::ChoiceService::Stub::RegisterDecision, d, &c);
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!s.ok() && error.empty()) error = s.error_message();
        ids[i] = c.client_id();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!error.empty()) return absl::InternalError("a client: " + error);
  return ids;
}

// One JSON request per line item, for ghz's round-robin --data-file.
void WriteData(const std::string& path, const std::vector<std::string>& items) {
  std::ofstream out(path);
  out << "[";
  for (size_t i = 0; i < items.size(); ++i) out << (i ? ",\n" : "") << items[i];
  out << "]\n";
}

std::string Summary(lov::bench::GhzResult& r, double* p99) {
  std::vector<double>& ms = r.latencies_ms;
  const double p50 = lov::bench::Quantile(ms, 0.5);
  *p99 = lov::bench::Quantile(ms, 0.99);
  const double max = lov::bench::Quantile(ms, 1.0);
  return absl::StrFormat("p50 %.2f ms, p99 %.2f ms, max %.1f ms", p50, *p99,
                         max);
}

}  // namespace

int main(int argc, char** argv) {
  using lov::bench::Flag;
  const std::string ghz = lov::bench::TextFlag(argc, argv, "ghz", "ghz");
  const std::string protoset = lov::bench::TextFlag(argc, argv, "protoset", "");
  const int rate = static_cast<int>(Flag(argc, argv, "rate", 500));
  const int seconds = static_cast<int>(Flag(argc, argv, "seconds", 10));
  const int providers = static_cast<int>(Flag(argc, argv, "providers", 10));
  const int clients = rate * seconds;
  // The caps hold 80 % of the clients: the rest must be refused.
  const int cap = std::max(1, clients * 8 / 10 / providers);
  if (protoset.empty()) return Fail("--protoset is required");

  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  ServiceProcess registry("services/registry/registry", {"--namespace=" + ns});
  if (absl::Status s = registry.Start(); !s.ok()) {
    return Fail(absl::StrCat("registry: ", s.message(), "\n", registry.Log()));
  }
  std::vector<std::unique_ptr<ServiceProcess>> choice;
  std::vector<std::unique_ptr<v1::ChoiceService::Stub>> stubs;
  for (int i = 0; i < 2; ++i) {
    choice.push_back(std::make_unique<ServiceProcess>(
        "services/choice/choice",
        std::vector<std::string>{"--namespace=" + ns}));
    if (absl::Status s = choice.back()->Start(); !s.ok()) {
      return Fail(
          absl::StrCat("choice: ", s.message(), "\n", choice.back()->Log()));
    }
    stubs.push_back(v1::ChoiceService::NewStub(choice.back()->Channel()));
  }
  auto registry_stub = reg::RegistryService::NewStub(registry.Channel());
  auto provider_ids = SetUpRegistry(*registry_stub, providers, cap);
  if (!provider_ids.ok())
    return Fail(std::string(provider_ids.status().message()));
  v1::ConfigurePolicyRequest policy;
  policy.set_request_id("bench-policy");
  policy.mutable_policy()->set_allocation_policy(
      v1::ALLOCATION_POLICY_ROTATION);
  policy.mutable_policy()->set_rechoice_timing(v1::RECHOICE_TIMING_NOTICE_DAYS);
  policy.mutable_policy()->set_rechoice_notice_days(14);
  policy.mutable_policy()->set_one_provider_for_all_categories(true);
  policy.mutable_policy()->set_rechoice_deadline_lead_days(14);
  v1::ChoicePolicy configured;
  if (grpc::Status s =
          Call(*stubs[0], &v1::ChoiceService::Stub::ConfigurePolicy, policy,
               &configured);
      !s.ok()) {
    return Fail("ConfigurePolicy: " + s.error_message());
  }
  const bool selectable = lov::testing::Eventually(
      [&] {
        v1::GetZoneHealthRequest r;
        r.set_zone_id(kZone);
        v1::GetZoneHealthResponse h;
        return Call(*stubs[1], &v1::ChoiceService::Stub::GetZoneHealth, r, &h)
                   .ok() &&
               h.zones_size() > 0 &&
               h.zones(0).selectable_providers() == providers;
      },
      absl::Seconds(60));
  if (!selectable) return Fail("choice never saw the providers");
  const absl::Time registering = absl::Now();
  auto client_ids = RegisterClients(stubs, clients);
  if (!client_ids.ok()) return Fail(std::string(client_ids.status().message()));
  std::printf("%d providers capped at %d, %d clients registered in %.1f s\n",
              providers, cap, clients, lov::bench::SecondsSince(registering));

  // The requests: every client reads its list, then chooses once.
  const std::string dir =
      std::filesystem::temp_directory_path() / ("lov-choice-bench-" + ns);
  std::filesystem::create_directories(dir);
  std::vector<std::string> reads, chooses[2];
  for (int i = 0; i < clients; ++i) {
    const std::string& c = (*client_ids)[i];
    reads.push_back(absl::StrCat(R"({"client_id":")", c, R"("})"));
    chooses[i % 2].push_back(absl::StrCat(
        R"({"request_id":"choose-)", i, R"(","client_id":")", c,
        R"(","provider_id":")", (*provider_ids)[i % providers], R"("})"));
  }
  WriteData(dir + "/health.json", {"{}"});
  WriteData(dir + "/reads.json", reads);
  WriteData(dir + "/choose-0.json", chooses[0]);
  WriteData(dir + "/choose-1.json", chooses[1]);
  const lov::ClientTls tls = lov::testing::Stack().Client("system:test");
  const std::string token =
      lov::testing::TokenOf(lov::auth::v1::ROLE_CASE_OFFICER);
  auto run = [&](const std::string& method, const std::string& label,
                 const std::string& data0, const std::string& data1) {
    std::vector<lov::bench::GhzCall> calls;
    for (int r = 0; r < 2; ++r) {
      lov::bench::GhzCall c;
      c.ghz = ghz;
      c.protoset = protoset;
      c.method = method;
      c.target = choice[r]->target();
      c.data_file = r == 0 ? data0 : data1;
      c.token = token;
      c.ca = tls.ca_file;
      c.cert = tls.cert_file;
      c.key = tls.key_file;
      c.rps = rate / 2;
      c.total = r == 0 ? clients - clients / 2 : clients / 2;
      c.report = absl::StrCat(dir, "/", label, "-", r, ".json");
      calls.push_back(c);
    }
    return lov::bench::RunGhzTogether(calls);
  };
  auto health = run("grpc.health.v1.Health.Check", "health",
                    dir + "/health.json", dir + "/health.json");
  if (!health.ok()) return Fail(std::string(health.status().message()));
  auto lists = run("lov.choice.v1.ChoiceService.ListEligibleProviders", "reads",
                   dir + "/reads.json", dir + "/reads.json");
  if (!lists.ok()) return Fail(std::string(lists.status().message()));
  auto chosen = run("lov.choice.v1.ChoiceService.Choose", "choose",
                    dir + "/choose-0.json", dir + "/choose-1.json");
  if (!chosen.ok()) return Fail(std::string(chosen.status().message()));

  // Every answer must be OK, or for Choose a refusal at the cap.
  struct Check {
    const char* label;
    const lov::bench::GhzResult* result;
    const char* allowed;
  };
  for (const Check& c : {Check{"health", &*health, ""},
                         Check{"ListEligibleProviders", &*lists, ""},
                         Check{"Choose", &*chosen, "FailedPrecondition"}}) {
    for (const auto& [status, n] : c.result->statuses) {
      if (status != "OK" && status != c.allowed) {
        return Fail(absl::StrCat(c.label, ": ", n, " answers ", status,
                                 ", first: ", c.result->first_error));
      }
    }
  }
  const int ok = chosen->statuses["OK"];

  // The cap, checked as a subscriber: distinct clients per provider.
  std::map<std::string, std::set<std::string>> by_provider;
  lov::testing::ReadEventsUntil(
      ns + ".lov.choice.events.v1",
      [&](const std::vector<lov::CloudEvent>& events) {
        by_provider.clear();
        int started = 0;
        for (const auto& e : events) {
          v1::ChoiceEvent ce;
          if (!ce.ParseFromString(e.data) || !ce.has_assignment_started()) {
            continue;
          }
          const auto& a = ce.assignment_started().assignment();
          if (by_provider[a.provider_id()].insert(a.client_id()).second) {
            ++started;
          }
        }
        return started >= ok;
      },
      absl::Seconds(120));
  int most = 0, assigned = 0;
  for (const auto& [p, cs] : by_provider) {
    most = std::max(most, static_cast<int>(cs.size()));
    assigned += static_cast<int>(cs.size());
  }
  const bool cap_held = most <= cap && assigned == ok;
  std::printf(
      "Choose: %d OK, %d refused at the cap; %d clients assigned, at most %d "
      "per provider (cap %d): %s\n",
      ok, chosen->statuses["FailedPrecondition"], assigned, most, cap,
      cap_held ? "cap never exceeded" : "CAP EXCEEDED OR ASSIGNMENTS MISSING");

  double health_p99 = 0, read_p99 = 0, choose_p99 = 0;
  const std::string health_text = Summary(*health, &health_p99);
  const std::string read_text = Summary(*lists, &read_p99);
  const std::string choose_text = Summary(*chosen, &choose_p99);
  for (auto& c : choice) c->Terminate();
  registry.Terminate();
  std::filesystem::remove_all(dir);
  if (!cap_held) return Fail("a provider got more clients than its cap");
  const std::string peer = absl::StrCat("health check ", health_text);
  lov::bench::PrintRow(
      "choose",
      absl::StrFormat("Choose at %d/s over 2 replicas: %s; cap held (%d of "
                      "%d assigned, max %d/%d)",
                      rate, choose_text, ok, clients, most, cap),
      peer, choose_p99 / health_p99, "p99 < 5 ms", choose_p99 < 5.0);
  lov::bench::PrintRow(
      "list-eligible",
      absl::StrFormat("ListEligibleProviders at %d/s: %s", rate, read_text),
      peer, read_p99 / health_p99, "p99 < 2 ms", read_p99 < 2.0);
  return 0;
}
