// Phases 1 and 2: the registry (the municipality, its providers, their
// approvals and caps) and the choice policy.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::SetUpRegistry() {
  std::cerr << "[1/7] Registry: municipality, providers, approvals, caps\n";
  RegisterProviders();
  const reg::Municipality town = ConfigureMunicipality();
  // Approved a year back, so every approval covers the simulated month.
  const std::string approved_from = FormatDate(first_day_ - 365);
  for (const ProviderSpec& provider : Providers()) {
    ApproveProvider(provider, approved_from);
    SetCaps(provider, approved_from);
  }
  std::cerr << "  " << Providers().size() << " providers approved in "
            << town.zones_size() << " zones\n";
}

void Simulation::RegisterProviders() {
  for (const ProviderSpec& p : Providers()) {
    reg::RegisterProviderRequest r;
    r.set_request_id(RequestId(absl::StrCat("register-", p.org)));
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
    grpc::Status st = Retry([&] {
      return registry_->RegisterProvider(
          sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), r, &out);
    });
    // Registered by an earlier run against the same services: fine.
    if (st.error_code() != grpc::StatusCode::ALREADY_EXISTS)
      Must(st, absl::StrCat("register ", p.name));
  }
}

reg::Municipality Simulation::ConfigureMunicipality() {
  reg::ConfigureMunicipalityRequest setup;
  setup.set_request_id(RequestId("setup"));
  *setup.mutable_municipality() = Norrtalje();
  reg::Municipality town;
  Must(Retry([&] {
         return registry_->ConfigureMunicipality(
             sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), setup, &town);
       }),
       "setup");
  return town;
}

// Applies for the provider's zones and categories and approves the
// application unless an earlier run did.
void Simulation::ApproveProvider(const ProviderSpec& p,
                                 const std::string& approved_from) {
  const std::string id = ProviderId(p.org);
  reg::SubmitApplicationRequest apply;
  apply.set_request_id(RequestId("apply-" + id));
  apply.set_provider_id(id);
  for (const auto& z : p.zones) apply.add_zone_ids(z);
  apply.add_category_ids("home-help-service");
  apply.add_category_ids("home-help-personal-care");
  apply.add_category_ids(kDayActivity);
  // Home nursing: the in-house unit and Tiohundra; rehabilitation only
  // in-house (as in Norrtälje, where few providers offer them).
  if (p.kind == reg::PROVIDER_KIND_IN_HOUSE || id == ProviderId(kTiohundraOrg))
    apply.add_category_ids("home-nursing");
  if (p.kind == reg::PROVIDER_KIND_IN_HOUSE)
    apply.add_category_ids("home-rehabilitation");
  reg::Provider out;
  Must(Retry([&] {
         return registry_->SubmitApplication(
             sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), apply, &out);
       }),
       "apply");
  std::string application_id;
  bool approved = false;
  for (const auto& a : out.applications()) {
    application_id = a.application_id();
    approved |= a.status() == reg::APPLICATION_STATUS_APPROVED;
  }
  if (approved) return;
  reg::DecideApplicationRequest decide;
  decide.set_request_id(RequestId("approve-" + id));
  decide.set_provider_id(id);
  decide.set_application_id(application_id);
  decide.set_approve(true);
  decide.set_effective_date(approved_from);
  decide.set_reason("meets the request for applications");
  Must(Retry([&] {
         return registry_->DecideApplication(
             sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), decide, &out);
       }),
       "approve");
}

// The provider's cap on clients in each of its zones, if it has one.
void Simulation::SetCaps(const ProviderSpec& p, const std::string& from) {
  if (p.cap <= 0) return;
  const std::string id = ProviderId(p.org);
  for (const auto& z : p.zones) {
    reg::SetCapacityRequest cap;
    cap.set_request_id(RequestId("cap-" + id + "-" + z));
    cap.set_provider_id(id);
    cap.set_zone_id(z);
    cap.set_max_clients(p.cap);
    cap.set_effective_date(from);
    reg::Provider out;
    Must(Retry([&] {
           return registry_->SetCapacity(
               sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), cap, &out);
         }),
         "cap");
  }
}

void Simulation::SetUpChoice() {
  std::cerr << "[2/7] Choice policy: rotation for non-choosers, one provider "
               "for all categories, re-choice after 14 days\n";
  cho::ConfigurePolicyRequest r;
  r.set_request_id(RequestId("policy"));
  auto* p = r.mutable_policy();
  p->set_allocation_policy(cho::ALLOCATION_POLICY_ROTATION);
  p->set_rechoice_timing(cho::RECHOICE_TIMING_NOTICE_DAYS);
  p->set_rechoice_notice_days(14);
  p->set_one_provider_for_all_categories(true);
  p->set_rechoice_deadline_lead_days(14);
  cho::ChoicePolicy out;
  Must(Retry([&] {
         return choice_->ConfigurePolicy(
             sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), r, &out);
       }),
       "policy");
  // The choice service learns of providers from registry events.
  bool ready = WaitFor(
      [&] {
        cho::GetZoneHealthRequest q;
        q.set_as_of(FormatDate(first_day_));
        cho::GetZoneHealthResponse resp;
        if (!choice_
                 ->GetZoneHealth(
                     sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), q,
                     &resp)
                 .ok())
          return false;
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

}  // namespace lov::sim
