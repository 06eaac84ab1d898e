// Phases 3 and 4: clients with decisions who choose a provider or are
// allocated one, and a provider leaving a zone mid-month with the
// re-choices that follow.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "pages.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::RegisterClients() {
  std::cerr
      << "[3/7] Clients: decisions, neutral lists, choices and non-choices\n";
  clients_ = DrawClients(settings_.seed, settings_.clients);
  std::vector<cho::Client> registered(clients_.size());
  std::atomic<int> done{0};
  std::mutex progress_mu;
  auto progress = [&](const char* phase) {
    int n = ++done;
    if (n % 50 == 0 || n == settings_.clients) {
      std::lock_guard<std::mutex> lock(progress_mu);
      Progress(phase, n, settings_.clients);
    }
  };
  Parallel(settings_.clients, settings_.threads, [&](int i) {
    EnrolClient(i, &registered[i]);
    progress("clients");
  });
  // Choices fill providers' caps and non-choices move the zone's rotation:
  // each zone's clients in their order, so the same seed makes the same
  // choices; the zones are independent and go in parallel.
  std::map<std::string, std::vector<int>> by_zone;
  for (int i = 0; i < settings_.clients; ++i)
    by_zone[clients_[i].zone].push_back(i);
  std::vector<const std::vector<int>*> zones;
  for (const auto& [zone, members] : by_zone) zones.push_back(&members);
  done = 0;
  Parallel(static_cast<int>(zones.size()), settings_.threads, [&](int z) {
    for (int i : *zones[z]) {
      ChooseOrAllocate(i, &registered[i]);
      progress("choices");
    }
  });
  int chose = 0;
  for (const auto& c : clients_) chose += c.chose;
  std::cerr << "  " << chose << " chose a provider, "
            << (settings_.clients - chose)
            << " were allocated by the rotation (non-choice)\n";
}

// Registers the client with its decision.
void Simulation::EnrolClient(int i, cho::Client* client) {
  SimClient& c = clients_[i];
  cho::RegisterClientRequest request;
  request.set_request_id(RequestId(absl::StrCat("client-", i)));
  request.set_personnummer(
      Personnummer(1925 + i % 30, 1 + i % 12, 1 + i % 28, i / 360 * 7 + 11));
  request.set_zone_id(c.zone);
  Must(Retry([&] {
         return choice_->RegisterClient(
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), request, client);
       }),
       "register client");
  c.client_id = client->client_id();
  // An earlier run with the same seed may have done the rest already.
  if (client->decisions().empty()) RegisterDecision(i, client);
}

// The client's choice or allocation, then the provider in force on the
// month's first day.
void Simulation::ChooseOrAllocate(int i, cho::Client* client) {
  const SimClient& c = clients_[i];
  if (client->assignments().empty()) {
    // Two weeks before the month, so the choice is in force all month.
    const std::string from = FormatDate(first_day_ - 14);
    if (c.chose) ChooseFromList(i, from);
    if (!c.chose) AllocateNonChoice(i, from);
  }
  ReadProviderInForce(i, client);
}

void Simulation::RegisterDecision(int i, cho::Client* client) {
  const SimClient& c = clients_[i];
  std::mt19937_64 rng = StreamOf(settings_.seed, "decision", i);
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
  if (c.day_activity_minutes > 0) {
    auto* days = dec->add_categories();
    days->set_category_id(kDayActivity);
    days->set_minutes_per_month(c.day_activity_minutes);
    days->set_support_level(c.support_level);
  }
  Must(Retry([&] {
         return choice_->RegisterDecision(
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), d, client);
       }),
       "decision");
}

// The client picks from the neutral list; if there is nothing to pick or
// the pick filled up meanwhile, the client becomes a non-chooser.
void Simulation::ChooseFromList(int i, const std::string& from) {
  SimClient& c = clients_[i];
  cho::ListEligibleProvidersRequest l;
  l.set_client_id(c.client_id);
  l.set_as_of(from);
  cho::ListEligibleProvidersResponse list;
  Must(Retry([&] {
         return AllPages(l, &list, [&](const auto& q, auto* page) {
           return choice_->ListEligibleProviders(
               sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), q, page);
         });
       }),
       "eligible list");
  ++lists_shown_;
  // Clients weigh the facts in the list; the list's order is neutral.
  std::mt19937_64 rng = StreamOf(settings_.seed, "choose", i);
  const std::string pick = PickProvider(list, rng);
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
    return choice_->Choose(sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), ch,
                           &resp);
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
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), a, &resp);
       }),
       "non-choice allocation");
}

void Simulation::ReadProviderInForce(int i, cho::Client* client) {
  SimClient& c = clients_[i];
  cho::GetClientRequest g;
  g.set_client_id(c.client_id);
  Must(Retry([&] {
         return choice_->GetClient(
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), g, client);
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
  std::cerr << "[4/7] Allegio Omsorg AB gives notice for zone " << leaving_zone_
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
    return registry_->GiveNotice(
        sign_in_.As(auth::v1::ROLE_PROVIDER, leaver).get(), n, &out);
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
        return AllPages(q, &cases,
                        [&](const auto& request, auto* page) {
                          return choice_->ListRechoiceCases(
                              sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(),
                              request, page);
                        })
                   .ok() &&
               cases.cases_size() >= affected;
      },
      60);
  if (!opened)
    Die(absl::StrCat("expected ", affected, " re-choice cases, got ",
                     cases.cases_size()));
  return cases;
}

// About 60% of the clients with an open case choose again in time, in the
// clients' order (the service lists the cases in its own); the rest are
// allocated after the deadline.
int Simulation::RechooseSome(const cho::ListRechoiceCasesResponse& cases,
                             const std::string& leaver) {
  std::map<std::string, int> index_of;
  for (int i = 0; i < static_cast<int>(clients_.size()); ++i)
    index_of[clients_[i].client_id] = i;
  std::map<int, std::string> open;  // by client index
  for (const auto& e : cases.cases()) {
    auto found = index_of.find(e.client_id());
    if (e.rechoice_case().status() == cho::CASE_STATUS_OPEN &&
        found != index_of.end())
      open[found->second] = e.client_id();
  }
  int rechose = 0;
  for (const auto& [i, client_id] : open) {
    if (!RechoosesInTime(settings_.seed, i)) continue;
    rechose += Rechoose(i, leaver);
  }
  return rechose;
}

// Chooses again from the client's list, the leaver excepted.
bool Simulation::Rechoose(int i, const std::string& leaver) {
  const std::string& client_id = clients_[i].client_id;
  cho::ListEligibleProvidersRequest l;
  l.set_client_id(client_id);
  cho::ListEligibleProvidersResponse list;
  if (!Retry([&] {
         return AllPages(l, &list, [&](const auto& q, auto* page) {
           return choice_->ListEligibleProviders(
               sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), q, page);
         });
       }).ok())
    return false;
  ++lists_shown_;
  std::mt19937_64 rng = StreamOf(settings_.seed, "rechoose-pick", i);
  const std::string pick = PickProvider(list, rng, leaver);
  if (pick.empty()) return false;
  cho::ChooseRequest ch;
  ch.set_request_id(RequestId(absl::StrCat("rechoose-", i)));
  ch.set_client_id(client_id);
  ch.set_provider_id(pick);
  ch.set_list_seed(list.seed());
  cho::ChooseResponse resp;
  return Retry([&] {
           return choice_->Choose(
               sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), ch, &resp);
         })
      .ok();
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
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), due, &allocated);
       }),
       "run due allocations");
  return allocated;
}

}  // namespace lov::sim
