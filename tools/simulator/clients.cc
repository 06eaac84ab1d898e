// Phases 3 and 4: clients with decisions who choose a provider or are
// allocated one, and a provider leaving a zone mid-month with the
// re-choices that follow.
#include <atomic>
#include <iostream>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::RegisterClients() {
  std::cerr
      << "[3/6] Clients: decisions, neutral lists, choices and non-choices\n";
  const std::vector<uint64_t> seeds = DrawClients();
  std::atomic<int> done{0};
  std::mutex progress_mu;
  Parallel(settings_.clients, settings_.threads, [&](int i) {
    // Each client its own generator: the data does not depend on the order
    // the threads take the clients in.
    std::mt19937_64 rng(seeds[i]);
    EnrolClient(i, rng);
    int n = ++done;
    if (n % 50 == 0 || n == settings_.clients) {
      std::lock_guard<std::mutex> lock(progress_mu);
      Progress("clients", n, settings_.clients);
    }
  });
  int chose = 0;
  for (const auto& c : clients_) chose += c.chose;
  std::cerr << "  " << chose << " chose a provider, "
            << (settings_.clients - chose)
            << " were allocated by the rotation (non-choice)\n";
}

// Who the clients are (zone, granted minutes, whether they choose), and a
// seed each for what they do; drawn in one thread, so fixed by the seed.
std::vector<uint64_t> Simulation::DrawClients() {
  // Weighted by population: most clients live in the town.
  const std::vector<std::string> zones = {"stad",  "stad",  "stad", "sodra",
                                          "sodra", "norra", "vaddo"};
  clients_.resize(settings_.clients);
  std::vector<uint64_t> seeds(settings_.clients);
  for (int i = 0; i < settings_.clients; ++i) {
    SimClient& c = clients_[i];
    c.zone = zones[rng_() % zones.size()];
    c.service_minutes = 60 * (2 + static_cast<int>(rng_() % 10));
    c.care_minutes =
        (rng_() % 3 == 0) ? 0 : 60 * (8 + static_cast<int>(rng_() % 50));
    c.chose = rng_() % 100 < 84;
    seeds[i] = rng_();
  }
  return seeds;
}

// One client from registration to the provider in force on the month's
// first day.
void Simulation::EnrolClient(int i, std::mt19937_64& rng) {
  SimClient& c = clients_[i];
  cho::RegisterClientRequest request;
  request.set_request_id(RequestId(absl::StrCat("client-", i)));
  request.set_personnummer(
      Personnummer(1925 + i % 30, 1 + i % 12, 1 + i % 28, i / 360 * 7 + 11));
  request.set_zone_id(c.zone);
  cho::Client client;
  Must(Retry([&] {
         return choice_->RegisterClient(sign_in_.As(Role::kCaseOfficer).get(),
                                        request, &client);
       }),
       "register client");
  c.client_id = client.client_id();
  // An earlier run with the same seed may have done the rest already.
  if (client.decisions().empty()) RegisterDecision(i, rng, &client);
  if (client.assignments().empty()) {
    // Two weeks before the month, so the choice is in force all month.
    const std::string from = FormatDate(first_day_ - 14);
    if (c.chose) ChooseFromList(i, rng, from);
    if (!c.chose) AllocateNonChoice(i, from);
  }
  ReadProviderInForce(i, &client);
}

void Simulation::RegisterDecision(int i, std::mt19937_64& rng,
                                  cho::Client* client) {
  const SimClient& c = clients_[i];
  cho::RegisterDecisionRequest d;
  d.set_request_id(RequestId(absl::StrCat("decision-", i)));
  d.set_client_id(c.client_id);
  auto* dec = d.mutable_decision();
  dec->set_decision_id(absl::StrCat("bb-", i));
  dec->set_valid_from(
      FormatDate(first_day_ - 30 - static_cast<int>(rng() % 200)));
  dec->set_decided_on(dec->valid_from());
  auto* service = dec->add_categories();
  service->set_category_id("home-help-service");
  service->set_minutes_per_month(c.service_minutes);
  if (c.care_minutes > 0) {
    auto* care = dec->add_categories();
    care->set_category_id("home-help-personal-care");
    care->set_minutes_per_month(c.care_minutes);
  }
  Must(Retry([&] {
         return choice_->RegisterDecision(sign_in_.As(Role::kCaseOfficer).get(),
                                          d, client);
       }),
       "decision");
}

// The client picks from the neutral list; if there is nothing to pick or
// the pick filled up meanwhile, the client becomes a non-chooser.
void Simulation::ChooseFromList(int i, std::mt19937_64& rng,
                                const std::string& from) {
  SimClient& c = clients_[i];
  cho::ListEligibleProvidersRequest l;
  l.set_client_id(c.client_id);
  l.set_as_of(from);
  cho::ListEligibleProvidersResponse list;
  Must(Retry([&] {
         return choice_->ListEligibleProviders(
             sign_in_.As(Role::kCaseOfficer).get(), l, &list);
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
    int score = static_cast<int>(rng() % 10) * weight;
    if (score > best) best = score, pick = e.provider_id();
  }
  if (pick.empty()) {
    c.chose = false;
    return;
  }
  cho::ChooseRequest ch;
  ch.set_request_id(RequestId(absl::StrCat("choose-", i)));
  ch.set_client_id(c.client_id);
  ch.set_provider_id(pick);
  ch.set_effective_date(from);
  ch.set_list_seed(list.seed());
  cho::ChooseResponse resp;
  grpc::Status st = Retry([&] {
    return choice_->Choose(sign_in_.As(Role::kCaseOfficer).get(), ch, &resp);
  });
  if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
    c.chose = false;  // full meanwhile
  else
    Must(st, "choose");
}

void Simulation::AllocateNonChoice(int i, const std::string& from) {
  cho::AllocateNonChoiceRequest a;
  a.set_request_id(RequestId(absl::StrCat("nonchoice-", i)));
  a.set_client_id(clients_[i].client_id);
  a.set_effective_date(from);
  cho::AllocateNonChoiceResponse resp;
  Must(Retry([&] {
         return choice_->AllocateNonChoice(
             sign_in_.As(Role::kCaseOfficer).get(), a, &resp);
       }),
       "non-choice allocation");
}

void Simulation::ReadProviderInForce(int i, cho::Client* client) {
  SimClient& c = clients_[i];
  cho::GetClientRequest g;
  g.set_client_id(c.client_id);
  Must(Retry([&] {
         return choice_->GetClient(sign_in_.As(Role::kCaseOfficer).get(), g,
                                   client);
       }),
       "get client");
  const std::string first = FormatDate(first_day_);
  for (const auto& a : client->assignments()) {
    if (a.valid_from() <= first &&
        (a.valid_to().empty() || a.valid_to() >= first)) {
      c.provider_id = a.provider_id();
    }
  }
}

void Simulation::ProviderLeavesZone() {
  // Allegio leaves Södra: given mid-month, effective after the notice period.
  const std::string leaver = ProviderId(kAllegioOrg);
  leaving_zone_ = "sodra";
  std::cerr << "[4/6] Allegio Omsorg AB gives notice for zone " << leaving_zone_
            << " mid-month\n";
  const absl::CivilDay given = first_day_ + 14;
  GiveNotice(leaver, given);
  const cho::ListRechoiceCasesResponse cases = AwaitRechoiceCases(leaver);
  std::cerr << "  " << cases.cases_size()
            << " clients got a re-choice case (deadline "
            << (cases.cases().empty()
                    ? "-"
                    : cases.cases(0).rechoice_case().deadline())
            << ")\n";
  rechose_ = RechooseSome(cases, leaver);
  const std::string deadline =
      cases.cases().empty()
          ? ""
          : cases.cases(cases.cases_size() - 1).rechoice_case().deadline();
  const cho::RunDueAllocationsResponse allocated =
      AllocateAfter(deadline, given + 60);
  allocated_after_deadline_ = allocated.allocated_size();
  std::cerr << "  " << rechose_ << " re-chose in time; "
            << allocated.allocated_size()
            << " were allocated after the deadline; " << allocated.failed_size()
            << " could not be\n";
}

void Simulation::GiveNotice(const std::string& leaver, absl::CivilDay given) {
  reg::GiveNoticeRequest n;
  n.set_request_id(RequestId("notice-allegio-sodra"));
  n.set_provider_id(leaver);
  n.set_zone_id(leaving_zone_);
  n.set_given_on(FormatDate(given));
  n.set_effective_date(FormatDate(given + 60));
  n.set_reason("too few clients in the zone to staff it");
  reg::Provider out;
  grpc::Status st = Retry([&] {
    return registry_->GiveNotice(sign_in_.As(Role::kProvider, leaver).get(), n,
                                 &out);
  });
  // Refused as a second notice when an earlier run gave it: fine.
  if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION)
    Must(st, "notice");
}

// The choice service opens the cases from the registry's event: waits until
// every client the leaver serves in the zone has one.
cho::ListRechoiceCasesResponse Simulation::AwaitRechoiceCases(
    const std::string& leaver) {
  int affected = 0;
  for (const auto& c : clients_)
    affected += c.provider_id == leaver && c.zone == leaving_zone_;
  cho::ListRechoiceCasesResponse cases;
  bool opened = WaitFor(
      [&] {
        cho::ListRechoiceCasesRequest q;
        q.set_provider_id(leaver);
        cases.Clear();
        return choice_
                   ->ListRechoiceCases(sign_in_.As(Role::kCaseOfficer).get(), q,
                                       &cases)
                   .ok() &&
               cases.cases_size() >= affected;
      },
      60);
  if (!opened)
    Die(absl::StrCat("expected ", affected, " re-choice cases, got ",
                     cases.cases_size()));
  return cases;
}

// About 60% of the clients with an open case choose again in time; the
// rest are allocated after the deadline.
int Simulation::RechooseSome(const cho::ListRechoiceCasesResponse& cases,
                             const std::string& leaver) {
  int rechose = 0;
  for (const auto& e : cases.cases()) {
    if (e.rechoice_case().status() != cho::CASE_STATUS_OPEN ||
        rng_() % 100 >= 60)
      continue;
    rechose += Rechoose(e.client_id(), leaver);
  }
  return rechose;
}

// Chooses the first provider on the client's list other than the leaver.
bool Simulation::Rechoose(const std::string& client_id,
                          const std::string& leaver) {
  cho::ListEligibleProvidersRequest l;
  l.set_client_id(client_id);
  cho::ListEligibleProvidersResponse list;
  if (!choice_
           ->ListEligibleProviders(sign_in_.As(Role::kCaseOfficer).get(), l,
                                   &list)
           .ok())
    return false;
  for (const auto& p : list.providers()) {
    if (p.provider_id() == leaver) continue;
    cho::ChooseRequest ch;
    ch.set_request_id(RequestId("rechoose-" + client_id));
    ch.set_client_id(client_id);
    ch.set_provider_id(p.provider_id());
    ch.set_list_seed(list.seed());
    cho::ChooseResponse resp;
    return Retry([&] {
             return choice_->Choose(sign_in_.As(Role::kCaseOfficer).get(), ch,
                                    &resp);
           })
        .ok();
  }
  return false;
}

// Runs the allocations due the day after the re-choice deadline (or after
// the notice's effective date, if there were no cases).
cho::RunDueAllocationsResponse Simulation::AllocateAfter(
    const std::string& deadline, absl::CivilDay fallback) {
  cho::RunDueAllocationsRequest due;
  auto day = ParseDate(deadline);
  due.set_as_of(FormatDate((day.ok() ? *day : fallback) + 1));
  cho::RunDueAllocationsResponse allocated;
  Must(Retry([&] {
         return choice_->RunDueAllocations(
             sign_in_.As(Role::kCaseOfficer).get(), due, &allocated);
       }),
       "run due allocations");
  return allocated;
}

}  // namespace lov::sim
