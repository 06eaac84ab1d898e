// The demo municipality of `make run`, modelled on Norrtälje: four zones,
// the five providers named in the source documents plus the in-house unit,
// about 1,500 clients with decisions, a month of visits, a provider leaving a
// zone mid-month, and the monthly settlement. Everything goes through the
// services' public gRPC APIs, as staff, providers and their time-reporting
// systems would use them.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/money.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::sim {
namespace {

namespace reg = ::lov::registry::v1;
namespace cho = ::lov::choice::v1;
namespace vis = ::lov::visits::v1;
namespace set = ::lov::settlement::v1;

// ---------------------------------------------------------------- settings

struct Settings {
  std::string registry = "127.0.0.1:50051";
  std::string choice = "127.0.0.1:50052";
  std::string visits = "127.0.0.1:50053";
  std::string settlement = "127.0.0.1:50054";
  int clients = 1500;
  absl::CivilMonth month;
  uint64_t seed = 20240201;
  int threads = 8;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "simulator: " << what << "\n";
  std::exit(1);
}

Settings ParseFlags(int argc, char** argv) {
  Settings s;
  // Default: the last full month, so every visit lies in the past.
  absl::CivilMonth this_month(StockholmDate(absl::Now()));
  s.month = this_month - 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    std::string k = a.substr(0, eq),
                v = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (k == "--registry")
      s.registry = v;
    else if (k == "--choice")
      s.choice = v;
    else if (k == "--visits")
      s.visits = v;
    else if (k == "--settlement")
      s.settlement = v;
    else if (k == "--clients" && absl::SimpleAtoi(v, &s.clients) &&
             s.clients > 0)
      continue;
    else if (k == "--seed" && absl::SimpleAtoi(v, &s.seed))
      continue;
    else if (k == "--threads" && absl::SimpleAtoi(v, &s.threads) &&
             s.threads > 0)
      continue;
    else if (k == "--month") {
      auto day = ParseDate(v + "-01");
      if (!day.ok()) Die("--month: '" + v + "' is not YYYY-MM");
      s.month = absl::CivilMonth(*day);
    } else if (k == "--run-dir") {
      continue;  // accepted for symmetry with make run; nothing to read
    } else {
      Die("unknown or bad flag '" + a +
          "' (flags: --registry --choice --visits --settlement=HOST:PORT, "
          "--clients=N, --month=YYYY-MM, --seed=N, --threads=N)");
    }
  }
  return s;
}

// ---------------------------------------------------------------- calls

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 60) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() +
                  std::chrono::seconds(seconds));
  return c;
}

// Retries what may pass on a second try (a busy record, a restarting
// service); anything else is returned.
grpc::Status Retry(const std::function<grpc::Status()>& call) {
  grpc::Status s;
  for (int attempt = 0; attempt < 8; ++attempt) {
    s = call();
    if (s.error_code() != grpc::StatusCode::ABORTED &&
        s.error_code() != grpc::StatusCode::UNAVAILABLE) {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  return s;
}

void Must(const grpc::Status& s, const std::string& what) {
  if (!s.ok()) Die(absl::StrCat(what, ": ", s.error_message()));
}

// Runs f(0..n-1) on `threads` threads.
void Parallel(int n, int threads, const std::function<void(int)>& f) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) f(i);
    });
  }
  for (auto& t : pool) t.join();
}

void Progress(const std::string& phase, int done, int total) {
  std::cerr << "\r  " << phase << ": " << done << "/" << total << std::flush;
  if (done == total) std::cerr << "\n";
}

bool WaitFor(const std::function<bool()>& ready, int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return ready();
}

// ---------------------------------------------------------------- the town

struct ProviderSpec {
  const char* org;
  const char* name;
  reg::ProviderKind kind;
  std::vector<std::string> zones;
  int cap;  // per zone; 0 = no cap
  std::vector<std::string> languages;
  std::vector<std::string> specialisations;
  int popularity;  // relative weight when clients choose
};

const std::vector<ProviderSpec>& Providers() {
  static const std::vector<ProviderSpec> providers = {
      {"212000-0209",
       "Norrtälje kommun, hemtjänst i egen regi",
       reg::PROVIDER_KIND_IN_HOUSE,
       {"norra", "sodra", "vaddo", "stad"},
       0,
       {"sv", "fi"},
       {"dementia", "diabetes"},
       5},
      {"556788-9984",
       "Allegio Omsorg AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra"},
       260,
       {"sv", "ar"},
       {"culture", "diet"},
       3},
      {"556554-1645",
       "Attendo Sverige AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra", "norra"},
       0,
       {"sv", "fi", "en"},
       {"dementia"},
       4},
      {"556610-0201",
       "Tiohundra AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "norra", "vaddo"},
       300,
       {"sv"},
       {"continuity of staff"},
       3},
      {"556708-0311",
       "Väddö Vård AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"vaddo"},
       120,
       {"sv"},
       {"diabetes"},
       2},
      {"559012-3450",
       "Äldreliv i Stockholm AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra"},
       0,
       {"sv", "fi"},
       {"dementia", "culture"},
       2},
  };
  return providers;
}

std::string ProviderId(const std::string& org) {
  std::string digits;
  for (char c : org)
    if (c != '-') digits += c;
  return "prv-" + digits;
}

reg::Municipality Norrtalje() {
  reg::Municipality m;
  m.set_municipality_id("0188");
  m.set_name("Norrtälje kommun");
  m.set_provider_notice_days(60);
  m.set_stop_intake_on_notice(true);
  m.set_in_house_provider_id(ProviderId(Providers()[0].org));
  struct Z {
    const char* id;
    const char* name;
    reg::AreaType area;
  };
  for (const Z& z :
       {Z{"norra", "Norra (Hallstavik, Rimbo norr)", reg::AREA_TYPE_RURAL},
        Z{"sodra", "Södra (Rimbo, Åkersberga gräns)", reg::AREA_TYPE_URBAN},
        Z{"vaddo", "Väddö och Grisslehamn", reg::AREA_TYPE_RURAL},
        Z{"stad", "Norrtälje stad", reg::AREA_TYPE_URBAN}}) {
    auto* zone = m.add_zones();
    zone->set_zone_id(z.id);
    zone->set_name(z.name);
    zone->set_area_type(z.area);
  }
  auto add = [&](const char* id, const char* name, int from, int to,
                 std::vector<int> weekdays) {
    auto* c = m.add_categories();
    c->set_category_id(id);
    c->set_name(name);
    auto* h = c->add_hours();
    h->set_start_minute(from * 60);
    h->set_end_minute(to * 60);
    for (int d : weekdays) h->add_weekdays(d);
    return c;
  };
  add("home-help-service", "Hemtjänst, service", 7, 22, {});
  add("home-help-personal-care", "Hemtjänst, omvårdnad", 7, 22, {})
      ->add_required_manager_qualifications("care-degree");
  add("home-nursing", "Hemsjukvård", 7, 17, {});
  add("home-rehabilitation", "Hemrehabilitering", 8, 17, {1, 2, 3, 4, 5});
  return m;
}

// Pads to `width` characters on screen (UTF-8: å, ä, ö are one character).
std::string Pad(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars >= width ? text : text + std::string(width - chars, ' ');
}

// A valid personnummer: born in `year`, serial from `n`.
std::string Personnummer(int year, int month, int day, int n) {
  std::string nine =
      absl::StrFormat("%02d%02d%02d%03d", year % 100, month, day, n % 1000);
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    int v = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v > 9 ? v - 9 : v;
  }
  int check = (10 - sum % 10) % 10;
  return absl::StrFormat("%04d%02d%02d%03d%d", year, month, day, n % 1000,
                         check);
}

struct SimClient {
  std::string client_id;
  std::string zone;
  int service_minutes = 0;  // granted per month
  int care_minutes = 0;
  std::string provider_id;  // in force during the month
  bool chose = true;
};

// ---------------------------------------------------------------- phases

class Simulation {
 public:
  explicit Simulation(Settings s)
      : s_(std::move(s)),
        rng_(s_.seed),
        registry_(reg::RegistryService::NewStub(Channel(s_.registry))),
        choice_(cho::ChoiceService::NewStub(Channel(s_.choice))),
        visits_(vis::VisitsService::NewStub(Channel(s_.visits))),
        settlement_(set::SettlementService::NewStub(Channel(s_.settlement))) {}

  void Run() {
    first_ = absl::CivilDay(s_.month);
    last_ = absl::CivilDay(s_.month + 1) - 1;
    std::cerr << "Simulating " << Norrtalje().name() << " for "
              << absl::FormatCivilTime(s_.month) << " with " << s_.clients
              << " clients (seed " << s_.seed << ")\n";
    SetUpRegistry();
    SetUpChoice();
    RegisterClients();
    ProviderLeavesZone();
    ReportVisits();
    Settle();
    Summary();
  }

 private:
  static std::shared_ptr<grpc::Channel> Channel(const std::string& target) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                     args);
  }

  std::string Date(absl::CivilDay d) const { return FormatDate(d); }
  std::string Rid(const std::string& what) const {
    return absl::StrCat("sim.seed", s_.seed, ".",
                        absl::FormatCivilTime(s_.month), ".", what);
  }

  void SetUpRegistry() {
    std::cerr << "[1/6] Registry: municipality, providers, approvals, caps\n";
    for (const ProviderSpec& p : Providers()) {
      reg::RegisterProviderRequest r;
      r.set_request_id(Rid(absl::StrCat("register-", p.org)));
      r.set_organisation_number(p.org);
      r.set_name(p.name);
      r.set_kind(p.kind);
      for (const auto& l : p.languages) r.mutable_profile()->add_languages(l);
      for (const auto& sp : p.specialisations)
        r.mutable_profile()->add_specialisations(sp);
      r.add_manager_qualifications("care-degree");
      r.mutable_contact()->set_email(
          absl::StrCat("info@", ProviderId(p.org), ".example"));
      reg::Provider out;
      grpc::Status st = Retry(
          [&] { return registry_->RegisterProvider(Ctx().get(), r, &out); });
      if (st.error_code() != grpc::StatusCode::ALREADY_EXISTS)
        Must(st, absl::StrCat("register ", p.name));
    }
    reg::ConfigureMunicipalityRequest setup;
    setup.set_request_id(Rid("setup"));
    *setup.mutable_municipality() = Norrtalje();
    reg::Municipality m;
    Must(Retry([&] {
           return registry_->ConfigureMunicipality(Ctx().get(), setup, &m);
         }),
         "setup");
    const std::string approved_from = Date(first_ - 365);
    for (const ProviderSpec& p : Providers()) {
      const std::string id = ProviderId(p.org);
      reg::SubmitApplicationRequest apply;
      apply.set_request_id(Rid("apply-" + id));
      apply.set_provider_id(id);
      for (const auto& z : p.zones) apply.add_zone_ids(z);
      apply.add_category_ids("home-help-service");
      apply.add_category_ids("home-help-personal-care");
      // Home nursing: the in-house unit and Tiohundra; rehabilitation only
      // in-house (as in Norrtälje, where few providers offer them).
      if (p.kind == reg::PROVIDER_KIND_IN_HOUSE ||
          id == ProviderId("556610-0201")) {
        apply.add_category_ids("home-nursing");
      }
      if (p.kind == reg::PROVIDER_KIND_IN_HOUSE)
        apply.add_category_ids("home-rehabilitation");
      reg::Provider out;
      Must(Retry([&] {
             return registry_->SubmitApplication(Ctx().get(), apply, &out);
           }),
           "apply");
      std::string app_id;
      for (const auto& a : out.applications()) app_id = a.application_id();
      bool approved = false;
      for (const auto& a : out.applications())
        approved |= a.status() == reg::APPLICATION_STATUS_APPROVED;
      if (!approved) {
        reg::DecideApplicationRequest decide;
        decide.set_request_id(Rid("approve-" + id));
        decide.set_provider_id(id);
        decide.set_application_id(app_id);
        decide.set_approve(true);
        decide.set_effective_date(approved_from);
        decide.set_reason("meets the request for applications");
        Must(Retry([&] {
               return registry_->DecideApplication(Ctx().get(), decide, &out);
             }),
             "approve");
      }
      if (p.cap > 0) {
        for (const auto& z : p.zones) {
          reg::SetCapacityRequest cap;
          cap.set_request_id(Rid("cap-" + id + "-" + z));
          cap.set_provider_id(id);
          cap.set_zone_id(z);
          cap.set_max_clients(p.cap);
          cap.set_effective_date(approved_from);
          Must(Retry([&] {
                 return registry_->SetCapacity(Ctx().get(), cap, &out);
               }),
               "cap");
        }
      }
    }
    std::cerr << "  " << Providers().size() << " providers approved in "
              << m.zones_size() << " zones\n";
  }

  void SetUpChoice() {
    std::cerr << "[2/6] Choice policy: rotation for non-choosers, one provider "
                 "for all categories, re-choice after 14 days\n";
    cho::ConfigurePolicyRequest r;
    r.set_request_id(Rid("policy"));
    auto* p = r.mutable_policy();
    p->set_allocation_policy(cho::ALLOCATION_POLICY_ROTATION);
    p->set_rechoice_timing(cho::RECHOICE_TIMING_NOTICE_DAYS);
    p->set_rechoice_notice_days(14);
    p->set_one_provider_for_all_categories(true);
    p->set_rechoice_deadline_lead_days(14);
    cho::ChoicePolicy out;
    Must(Retry([&] { return choice_->ConfigurePolicy(Ctx().get(), r, &out); }),
         "policy");
    // The choice service learns of providers from registry events.
    bool ready = WaitFor(
        [&] {
          cho::GetZoneHealthRequest q;
          q.set_as_of(Date(first_));
          cho::GetZoneHealthResponse resp;
          if (!choice_->GetZoneHealth(Ctx().get(), q, &resp).ok()) return false;
          int selectable = 0;
          for (const auto& z : resp.zones())
            selectable += z.selectable_providers();
          return selectable > 0;
        },
        60);
    if (!ready)
      Die("the choice service did not learn the providers from the registry "
          "events");
  }

  void RegisterClients() {
    std::cerr
        << "[3/6] Clients: decisions, neutral lists, choices and non-choices\n";
    const std::vector<std::string> zones = {"stad",  "stad",  "stad", "sodra",
                                            "sodra", "norra", "vaddo"};
    clients_.resize(s_.clients);
    std::vector<uint64_t> seeds(s_.clients);
    for (int i = 0; i < s_.clients; ++i) {
      clients_[i].zone = zones[rng_() % zones.size()];
      clients_[i].service_minutes = 60 * (2 + static_cast<int>(rng_() % 10));
      clients_[i].care_minutes =
          (rng_() % 3 == 0) ? 0 : 60 * (8 + static_cast<int>(rng_() % 50));
      clients_[i].chose = rng_() % 100 < 84;
      seeds[i] = rng_();
    }
    std::atomic<int> done{0};
    std::mutex mu;
    Parallel(s_.clients, s_.threads, [&](int i) {
      SimClient& c = clients_[i];
      std::mt19937_64 r(seeds[i]);
      cho::RegisterClientRequest reg_req;
      reg_req.set_request_id(Rid(absl::StrCat("client-", i)));
      reg_req.set_personnummer(Personnummer(1925 + i % 30, 1 + i % 12,
                                            1 + i % 28, i / 360 * 7 + 11));
      reg_req.set_zone_id(c.zone);
      cho::Client client;
      Must(Retry([&] {
             return choice_->RegisterClient(Ctx().get(), reg_req, &client);
           }),
           "register client");
      c.client_id = client.client_id();
      if (client.decisions().empty()) {
        cho::RegisterDecisionRequest d;
        d.set_request_id(Rid(absl::StrCat("decision-", i)));
        d.set_client_id(c.client_id);
        auto* dec = d.mutable_decision();
        dec->set_decision_id(absl::StrCat("bb-", i));
        dec->set_valid_from(Date(first_ - 30 - static_cast<int>(r() % 200)));
        dec->set_decided_on(dec->valid_from());
        auto* svc = dec->add_categories();
        svc->set_category_id("home-help-service");
        svc->set_minutes_per_month(c.service_minutes);
        if (c.care_minutes > 0) {
          auto* care = dec->add_categories();
          care->set_category_id("home-help-personal-care");
          care->set_minutes_per_month(c.care_minutes);
        }
        Must(Retry([&] {
               return choice_->RegisterDecision(Ctx().get(), d, &client);
             }),
             "decision");
      }
      const std::string from = Date(first_ - 14);
      if (client.assignments().empty()) {
        if (c.chose) {
          cho::ListEligibleProvidersRequest l;
          l.set_client_id(c.client_id);
          l.set_as_of(from);
          cho::ListEligibleProvidersResponse list;
          Must(Retry([&] {
                 return choice_->ListEligibleProviders(Ctx().get(), l, &list);
               }),
               "eligible list");
          // Clients weigh the facts in the list; the list's order is neutral.
          std::string pick;
          int best = -1;
          for (const auto& e : list.providers()) {
            int weight = 1;
            for (const auto& p : Providers()) {
              if (ProviderId(p.org) == e.provider_id()) weight = p.popularity;
            }
            int score = static_cast<int>(r() % 10) * weight;
            if (score > best) best = score, pick = e.provider_id();
          }
          if (pick.empty())
            c.chose = false;
          else {
            cho::ChooseRequest ch;
            ch.set_request_id(Rid(absl::StrCat("choose-", i)));
            ch.set_client_id(c.client_id);
            ch.set_provider_id(pick);
            ch.set_effective_date(from);
            ch.set_list_seed(list.seed());
            cho::ChooseResponse resp;
            grpc::Status st =
                Retry([&] { return choice_->Choose(Ctx().get(), ch, &resp); });
            if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
              c.chose = false;  // full meanwhile
            else
              Must(st, "choose");
          }
        }
        if (!c.chose) {
          cho::AllocateNonChoiceRequest a;
          a.set_request_id(Rid(absl::StrCat("nonchoice-", i)));
          a.set_client_id(c.client_id);
          a.set_effective_date(from);
          cho::AllocateNonChoiceResponse resp;
          Must(Retry([&] {
                 return choice_->AllocateNonChoice(Ctx().get(), a, &resp);
               }),
               "non-choice allocation");
        }
      }
      cho::GetClientRequest g;
      g.set_client_id(c.client_id);
      Must(Retry([&] { return choice_->GetClient(Ctx().get(), g, &client); }),
           "get client");
      for (const auto& a : client.assignments()) {
        if (a.valid_from() <= Date(first_) &&
            (a.valid_to().empty() || a.valid_to() >= Date(first_))) {
          c.provider_id = a.provider_id();
        }
      }
      int n = ++done;
      if (n % 50 == 0 || n == s_.clients) {
        std::lock_guard<std::mutex> lock(mu);
        Progress("clients", n, s_.clients);
      }
    });
    int chose = 0;
    for (const auto& c : clients_) chose += c.chose;
    std::cerr << "  " << chose << " chose a provider, " << (s_.clients - chose)
              << " were allocated by the rotation (non-choice)\n";
  }

  void ProviderLeavesZone() {
    // Allegio leaves Södra: given mid-month, effective after the notice period.
    const std::string leaver = ProviderId("556788-9984");
    leaving_zone_ = "sodra";
    std::cerr << "[4/6] Allegio Omsorg AB gives notice for zone "
              << leaving_zone_ << " mid-month\n";
    const absl::CivilDay given = first_ + 14;
    reg::GiveNoticeRequest n;
    n.set_request_id(Rid("notice-allegio-sodra"));
    n.set_provider_id(leaver);
    n.set_zone_id(leaving_zone_);
    n.set_given_on(Date(given));
    n.set_effective_date(Date(given + 60));
    n.set_reason("too few clients in the zone to staff it");
    reg::Provider out;
    grpc::Status st =
        Retry([&] { return registry_->GiveNotice(Ctx().get(), n, &out); });
    if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION)
      Must(st, "notice");
    int affected = 0;
    for (const auto& c : clients_)
      affected += c.provider_id == leaver && c.zone == leaving_zone_;
    cho::ListRechoiceCasesResponse cases;
    bool opened = WaitFor(
        [&] {
          cho::ListRechoiceCasesRequest q;
          q.set_provider_id(leaver);
          cases.Clear();
          return choice_->ListRechoiceCases(Ctx().get(), q, &cases).ok() &&
                 cases.cases_size() >= affected;
        },
        60);
    if (!opened)
      Die(absl::StrCat("expected ", affected, " re-choice cases, got ",
                       cases.cases_size()));
    std::cerr << "  " << cases.cases_size()
              << " clients got a re-choice case (deadline "
              << (cases.cases().empty()
                      ? "-"
                      : cases.cases(0).rechoice_case().deadline())
              << ")\n";
    int rechose = 0;
    std::string deadline;
    for (const auto& e : cases.cases()) {
      deadline = e.rechoice_case().deadline();
      if (e.rechoice_case().status() != cho::CASE_STATUS_OPEN ||
          rng_() % 100 >= 60)
        continue;
      cho::ListEligibleProvidersRequest l;
      l.set_client_id(e.client_id());
      cho::ListEligibleProvidersResponse list;
      if (!choice_->ListEligibleProviders(Ctx().get(), l, &list).ok()) continue;
      for (const auto& p : list.providers()) {
        if (p.provider_id() == leaver) continue;
        cho::ChooseRequest ch;
        ch.set_request_id(Rid("rechoose-" + e.client_id()));
        ch.set_client_id(e.client_id());
        ch.set_provider_id(p.provider_id());
        ch.set_list_seed(list.seed());
        cho::ChooseResponse resp;
        if (Retry([&] { return choice_->Choose(Ctx().get(), ch, &resp); }).ok())
          ++rechose;
        break;
      }
    }
    cho::RunDueAllocationsRequest due;
    auto day = ParseDate(deadline);
    due.set_as_of(Date((day.ok() ? *day : given + 60) + 1));
    cho::RunDueAllocationsResponse allocated;
    Must(Retry([&] {
           return choice_->RunDueAllocations(Ctx().get(), due, &allocated);
         }),
         "run due allocations");
    rechose_ = rechose;
    allocated_after_deadline_ = allocated.allocated_size();
    std::cerr << "  " << rechose << " re-chose in time; "
              << allocated.allocated_size()
              << " were allocated after the deadline; "
              << allocated.failed_size() << " could not be\n";
  }

  // One month of visits per client, as time-reporting systems report them.
  std::vector<vis::VisitReport> GenerateVisits() {
    std::vector<vis::VisitReport> out;
    std::map<std::string, int> staff_count;
    for (size_t i = 0; i < clients_.size(); ++i) {
      const SimClient& c = clients_[i];
      if (c.provider_id.empty()) continue;
      // About 82% of granted time is performed (Stockholm, 2014).
      const int days = static_cast<int>(last_ - first_) + 1;
      for (const auto& [category, granted] :
           std::vector<std::pair<std::string, int>>{
               {"home-help-service", c.service_minutes},
               {"home-help-personal-care", c.care_minutes}}) {
        if (granted == 0) continue;
        const int visit_minutes = category == "home-help-service" ? 60 : 30;
        int visits = std::max(1, granted * 82 / 100 / visit_minutes);
        for (int v = 0; v < visits; ++v) {
          const absl::CivilDay day =
              first_ + static_cast<int>((v * days) / visits);
          // Morning, lunch, afternoon or evening slot; the minute spreads them.
          static const int kSlots[] = {7 * 60 + 30, 11 * 60 + 30, 14 * 60,
                                       19 * 60};
          const int slot =
              category == "home-help-service" ? 9 * 60 + 30 : kSlots[v % 4];
          const int minute = slot + static_cast<int>(i % 90);
          const int length = visit_minutes - 5 + static_cast<int>(rng_() % 15);
          vis::VisitReport r;
          r.set_report_id(
              absl::StrCat(absl::FormatCivilTime(s_.month), "-", i, "-",
                           category == "home-help-service" ? "s" : "c", v));
          r.set_provider_id(c.provider_id);
          r.set_client_id(c.client_id);
          r.set_category_id(category);
          // One staff member per client and slot: nobody is in two places.
          r.set_staff_id(
              absl::StrCat("stf-", c.provider_id.substr(4, 6), "-", i, "-",
                           category == "home-help-service" ? 9 : v % 4));
          const absl::Time start =
              FromStockholm(absl::CivilSecond(day) + minute * 60);
          *r.mutable_start() = ToProtoTime(start);
          *r.mutable_end() = ToProtoTime(start + absl::Minutes(length));
          r.set_evidence(rng_() % 20 == 0 ? vis::EVIDENCE_MANUAL
                                          : vis::EVIDENCE_NFC_TAG);
          r.set_status(vis::VISIT_STATUS_PERFORMED);
          if (category == "home-help-personal-care" && rng_() % 20 == 0) {
            r.set_double_staffing(true);
            r.set_second_staff_id(r.staff_id() + "-b");
          }
          if (rng_() % 50 == 0) {  // missed visit: client not at home
            r.set_status(vis::VISIT_STATUS_CLIENT_ABSENT);
            r.set_status_reason("client not at home");
          }
          out.push_back(std::move(r));
        }
      }
    }
    // Some bad reports, as real systems send them.
    const size_t good = out.size();
    for (size_t k = 0; k < good / 200; ++k) {
      vis::VisitReport bad = out[(k * 7919) % good];
      bad.set_report_id(absl::StrCat(bad.report_id(), "-bad", k));
      switch (k % 3) {
        case 0:  // end before start
          *bad.mutable_end() = bad.start();
          break;
        case 1:  // a client the provider does not serve
          bad.set_client_id(clients_[(k * 31 + 1) % clients_.size()].client_id);
          bad.set_staff_id(bad.staff_id() + "-x");
          if (clients_[(k * 31 + 1) % clients_.size()].provider_id ==
              bad.provider_id())
            continue;
          break;
        case 2:  // no staff id
          bad.clear_staff_id();
          break;
      }
      out.push_back(std::move(bad));
    }
    // And a few sent twice.
    for (size_t k = 0; k < good / 500; ++k)
      out.push_back(out[(k * 104729) % good]);
    return out;
  }

  void ReportVisits() {
    std::cerr << "[5/6] Visits: time-reporting systems upload the month\n";
    // The visits service learns the assignments from the choice events.
    const SimClient* last = nullptr;
    for (const auto& c : clients_)
      if (!c.provider_id.empty()) last = &c;
    if (last) {
      bool known = WaitFor(
          [&] {
            vis::GetClientContextRequest q;
            q.set_client_id(last->client_id);
            vis::GetClientContextResponse resp;
            return visits_->GetClientContext(Ctx().get(), q, &resp).ok() &&
                   resp.assignments_size() > 0;
          },
          120);
      if (!known)
        Die("the visits service did not learn the assignments from the choice "
            "events");
    }
    std::vector<vis::VisitReport> reports = GenerateVisits();
    grpc::ClientContext ctx;
    auto stream = visits_->UploadVisits(&ctx);
    std::thread writer([&] {
      for (const auto& r : reports) {
        vis::UploadVisitsRequest req;
        *req.mutable_report() = r;
        if (!stream->Write(req)) break;
      }
      stream->WritesDone();
    });
    vis::UploadVisitsResponse resp;
    std::map<std::string, int64_t> performed_by_provider;
    std::map<std::string, const vis::VisitReport*> by_id;
    for (const auto& r : reports)
      by_id[r.provider_id() + "/" + r.report_id()] = &r;
    size_t n = 0;
    while (stream->Read(&resp)) {
      const auto& o = resp.outcome();
      ++n;
      if (o.replayed())
        ++duplicates_;
      else if (o.outcome() == vis::OUTCOME_REJECTED)
        ++rejected_[vis::ReasonCode_Name(o.reason_code())];
      else {
        ++accepted_;
        if (o.outcome() == vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS)
          ++with_exceptions_;
        const vis::VisitReport* r = by_id[o.visit_id()];
        if (r && r->status() == vis::VISIT_STATUS_PERFORMED) {
          performed_by_provider[r->provider_id()] += absl::ToInt64Seconds(
              FromProtoTime(r->end()) - FromProtoTime(r->start()));
          accepted_ids_.push_back(*r);
        }
      }
      if (n % 5000 == 0 || n == reports.size())
        Progress("visits", static_cast<int>(n),
                 static_cast<int>(reports.size()));
    }
    writer.join();
    Must(stream->Finish(), "visit upload");
    performed_ = performed_by_provider;
    int64_t rejected = 0;
    for (const auto& [k, v] : rejected_) rejected += v;
    std::cerr << "  " << accepted_ << " accepted (" << with_exceptions_
              << " with exceptions to review), " << rejected << " rejected, "
              << duplicates_
              << " duplicates answered with their first outcome\n";
  }

  void Settle() {
    std::cerr << "[6/6] Settlement: rate table, preview, approval, late "
                 "corrections\n";
    set::AddRateTableRequest t;
    auto* table = t.mutable_table();
    table->set_effective_date(Date(absl::CivilDay(s_.month - 12)));
    table->set_description("Norrtälje hemtjänst, ersättning per utförd timme");
    table->mutable_bands()->set_day_start_minute(7 * 60);
    table->mutable_bands()->set_evening_start_minute(19 * 60);
    table->mutable_bands()->set_night_start_minute(22 * 60);
    struct Cat {
      const char* id;
      int64_t day;
      int64_t vat;
    };
    for (const Cat& c : {Cat{"home-help-service", 45000, 2500},
                         Cat{"home-help-personal-care", 51600, 0}}) {
      auto* cr = table->add_categories();
      cr->set_category_id(c.id);
      cr->set_model(set::PAYMENT_MODEL_PERFORMED_HOURS);
      for (auto [band, factor] :
           std::vector<std::pair<set::Band, int>>{{set::BAND_DAY, 100},
                                                  {set::BAND_EVENING, 115},
                                                  {set::BAND_NIGHT, 140},
                                                  {set::BAND_WEEKEND, 125},
                                                  {set::BAND_HOLIDAY, 150}}) {
        auto* br = cr->add_band_rates();
        br->set_band(band);
        br->set_private_ore(c.day * factor / 100);
        br->set_in_house_ore((c.day - 3100) * factor / 100);
      }
      auto* rural = cr->add_zone_supplements();
      rural->set_area(set::ZONE_AREA_RURAL);
      rural->set_basis_points(500);
      cr->set_double_staffing_basis_points(20000);
      cr->set_vat_basis_points(c.vat);
    }
    set::RateTable out;
    grpc::Status st =
        Retry([&] { return settlement_->AddRateTable(Ctx().get(), t, &out); });
    if (st.error_code() != grpc::StatusCode::ALREADY_EXISTS)
      Must(st, "rate table");
    set::SetListingRuleRequest rule;
    rule.mutable_rule()->set_kind(set::LISTING_RULE_KIND_PRO_RATA_DAYS);
    set::ListingRule rule_out;
    Must(Retry([&] {
           return settlement_->SetListingRule(Ctx().get(), rule, &rule_out);
         }),
         "listing rule");

    const std::string period = absl::FormatCivilTime(s_.month);
    for (const ProviderSpec& p : Providers()) {
      const std::string id = ProviderId(p.org);
      set::PreviewStatementRequest q;
      q.set_provider_id(id);
      q.set_period(period);
      set::Statement preview;
      // Settlement follows the visit events; wait until it has them all.
      bool caught_up = WaitFor(
          [&] {
            preview.Clear();
            return settlement_->PreviewStatement(Ctx().get(), q, &preview)
                       .ok() &&
                   preview.performed_seconds() >= performed_[id];
          },
          180);
      if (!caught_up) {
        Die(absl::StrCat("settlement has ", preview.performed_seconds(),
                         " s of ", id, "'s performed time, expected ",
                         performed_[id]));
      }
      set::ApproveStatementRequest a;
      a.set_provider_id(id);
      a.set_period(period);
      a.set_expected_digest(preview.digest());
      a.set_approved_by("controller@norrtalje.example");
      set::Statement approved;
      Must(Retry([&] {
             return settlement_->ApproveStatement(Ctx().get(), a, &approved);
           }),
           "approve");
      statements_[id] = approved;
    }
    // Late corrections: a few visits turn out shorter than reported.
    int corrected = 0;
    for (size_t k = 0; k < accepted_ids_.size() && corrected < 10;
         k += accepted_ids_.size() / 10 + 1) {
      const vis::VisitReport* r = &accepted_ids_[k];
      vis::CorrectVisitRequest c;
      c.set_request_id(Rid("correct-" + r->report_id()));
      c.set_provider_id(r->provider_id());
      c.set_report_id(r->report_id());
      *c.mutable_corrected() = *r;
      *c.mutable_corrected()->mutable_end() =
          ToProtoTime(FromProtoTime(r->end()) - absl::Minutes(10));
      c.set_reason(
          "NFC end tag registered late; staff left 10 minutes earlier");
      vis::CorrectVisitResponse resp;
      if (Retry([&] {
            return visits_->CorrectVisit(Ctx().get(), c, &resp);
          }).ok())
        ++corrected;
    }
    corrections_ = corrected;
    std::cerr << "  " << statements_.size() << " statements approved; "
              << corrected << " late corrections will be adjustments in "
              << absl::FormatCivilTime(s_.month + 1) << "\n";
  }

  void Summary() {
    const std::string period = absl::FormatCivilTime(s_.month);
    std::cout << "\n=== " << Norrtalje().name() << ", " << period << " ===\n\n";
    std::cout << absl::StrFormat("%-42s %8s %10s %16s %s\n", "Provider",
                                 "Clients", "Hours", "Amount (SEK)", "Lines");
    std::map<std::string, int> clients_per_provider;
    for (const auto& c : clients_) ++clients_per_provider[c.provider_id];
    int64_t grand = 0;
    bool lines_add_up = true;
    bool paid_once = true;
    for (const ProviderSpec& p : Providers()) {
      const std::string id = ProviderId(p.org);
      const set::Statement& s = statements_[id];
      int64_t sum = 0;
      for (const auto& l : s.lines()) sum += l.amount_ore();
      lines_add_up &= sum == s.total_ore();
      // The statement's performed time is exactly the time of the visits
      // that were accepted: none missing, none counted twice.
      paid_once &= s.performed_seconds() == performed_[id];
      grand += s.total_ore();
      std::cout << Pad(p.name, 42)
                << absl::StrFormat(
                       " %8d %10.1f %16s %s\n", clients_per_provider[id],
                       s.performed_seconds() / 3600.0,
                       Money::FromOre(s.total_ore()).ToDecimalString(),
                       sum == s.total_ore() ? "add up" : "DO NOT ADD UP");
    }
    std::cout << absl::StrFormat("%-42s %8s %10s %16s\n", "Total", "", "",
                                 Money::FromOre(grand).ToDecimalString());
    std::cout << "\n"
              << absl::StrFormat("%-34s %-26s %11s %s\n", "Zone", "Category",
                                 "Selectable", "");
    cho::GetZoneHealthRequest q;
    q.set_as_of(Date(last_ + 61));
    cho::GetZoneHealthResponse health;
    if (choice_->GetZoneHealth(Ctx().get(), q, &health).ok()) {
      std::map<std::string, std::string> names;
      const reg::Municipality town = Norrtalje();
      for (const auto& z : town.zones()) names[z.zone_id()] = z.name();
      for (const auto& z : health.zones()) {
        std::cout << Pad(names[z.zone_id()], 34)
                  << absl::StrFormat(
                         " %-26s %11d %s\n", z.category_id(),
                         z.selectable_providers(),
                         z.no_real_choice() ? "NO REAL CHOICE" : "");
      }
    }
    int64_t rejected = 0;
    for (const auto& [k, v] : rejected_) rejected += v;
    std::cout << "\nVisits: " << accepted_ << " accepted, " << rejected
              << " rejected (";
    bool first = true;
    for (const auto& [k, v] : rejected_) {
      std::cout << (first ? "" : ", ") << k.substr(12) << " " << v;
      first = false;
    }
    std::cout << "), " << duplicates_ << " duplicates not counted again.\n";
    std::cout << "Provider leaving " << leaving_zone_ << ": " << rechose_
              << " clients re-chose, " << allocated_after_deadline_
              << " were allocated after the deadline.\n";
    std::cout << "Every statement's lines add up to its total: "
              << (lines_add_up ? "yes" : "NO") << ".\n";
    std::cout << "Every accepted visit is paid exactly once (statement hours "
                 "equal the accepted visits' hours): "
              << (paid_once ? "yes" : "NO") << ".\n";
    if (!lines_add_up || !paid_once) std::exit(1);
  }

  Settings s_;
  std::mt19937_64 rng_;
  std::unique_ptr<reg::RegistryService::Stub> registry_;
  std::unique_ptr<cho::ChoiceService::Stub> choice_;
  std::unique_ptr<vis::VisitsService::Stub> visits_;
  std::unique_ptr<set::SettlementService::Stub> settlement_;
  absl::CivilDay first_, last_;
  std::vector<SimClient> clients_;
  std::string leaving_zone_;
  int rechose_ = 0, allocated_after_deadline_ = 0, corrections_ = 0;
  int64_t accepted_ = 0, with_exceptions_ = 0, duplicates_ = 0;
  std::map<std::string, int64_t> rejected_;
  std::map<std::string, int64_t> performed_;
  std::vector<vis::VisitReport> accepted_ids_;
  std::map<std::string, set::Statement> statements_;
};

}  // namespace
}  // namespace lov::sim

int main(int argc, char** argv) {
  lov::sim::Simulation(lov::sim::ParseFlags(argc, argv)).Run();
  return 0;
}
