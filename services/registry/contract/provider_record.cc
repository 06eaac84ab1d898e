#include "lov/registry/contract/provider_record.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::registry {

const v1::Provider* ProviderOf(const v1::RegistryEvent& e) {
  switch (e.payload_case()) {
    case v1::RegistryEvent::kProviderRegistered:
      return &e.provider_registered().provider();
    case v1::RegistryEvent::kProviderUpdated:
      return &e.provider_updated().provider();
    case v1::RegistryEvent::kApplicationSubmitted:
      return &e.application_submitted().provider();
    case v1::RegistryEvent::kApplicationApproved:
      return &e.application_approved().provider();
    case v1::RegistryEvent::kApplicationRejected:
      return &e.application_rejected().provider();
    case v1::RegistryEvent::kCapacityChanged:
      return &e.capacity_changed().provider();
    case v1::RegistryEvent::kIntakePauseChanged:
      return &e.intake_pause_changed().provider();
    case v1::RegistryEvent::kNoticeGiven:
      return &e.notice_given().provider();
    case v1::RegistryEvent::kNoticeWithdrawn:
      return &e.notice_withdrawn().provider();
    case v1::RegistryEvent::kSanctionImposed:
      return &e.sanction_imposed().provider();
    case v1::RegistryEvent::kSuspensionLifted:
      return &e.suspension_lifted().provider();
    case v1::RegistryEvent::kPaymentDetailsChanged:
      return &e.payment_details_changed().provider();
    default:
      return nullptr;
  }
}

bool Terminated(const v1::Provider& p, std::string* date) {
  for (const auto& s : p.sanctions()) {
    if (s.kind() == v1::SANCTION_KIND_TERMINATION) {
      if (date) *date = s.effective_date();
      return true;
    }
  }
  return false;
}

bool ApprovalCovers(const v1::Approval& a, const std::string& day) {
  return a.effective_from() <= day &&
         (a.effective_to().empty() || day <= a.effective_to());
}

const v1::CapacityCap* CapFor(const v1::Provider& provider,
                              const std::string& zone_id) {
  const v1::CapacityCap* latest = nullptr;
  for (const auto& c : provider.capacity()) {
    if (c.zone_id() == zone_id) latest = &c;
  }
  return latest && (latest->capped() || latest->max_hours_per_month() > 0)
             ? latest
             : nullptr;
}

const v1::CapacityCap* CapAsOf(const v1::Provider& provider,
                               const std::string& zone_id,
                               const std::string& day) {
  const v1::CapacityCap* in_force = nullptr;
  for (const auto& c : provider.capacity()) {
    if (c.zone_id() == zone_id && c.effective_date() <= day &&
        (!in_force || c.effective_date() >= in_force->effective_date())) {
      in_force = &c;
    }
  }
  // A cap on clients, on granted hours, or both; a record that removed both
  // means no cap.
  return in_force && (in_force->capped() || in_force->max_hours_per_month() > 0)
             ? in_force
             : nullptr;
}

v1::ProviderStatus StatusAsOf(const v1::Municipality& m,
                              const v1::Provider& provider,
                              absl::CivilDay day) {
  const std::string d = FormatDate(day);
  v1::ProviderStatus out;
  *out.mutable_provider() = provider;
  out.set_as_of(d);
  std::string termination;
  bool terminated = Terminated(provider, &termination);
  bool suspended = false;
  for (const auto& s : provider.sanctions()) {
    if (s.kind() == v1::SANCTION_KIND_SUSPENSION && !s.lifted() &&
        s.effective_date() <= d) {
      suspended = true;
    }
  }
  for (const auto& zone : m.zones()) {
    std::string leaving;
    bool notice_given = false;
    for (const auto& n : provider.notices()) {
      if (!n.withdrawn() &&
          (n.zone_id().empty() || n.zone_id() == zone.zone_id()) &&
          n.given_on() <= d && d < n.effective_date()) {
        notice_given = true;
        if (leaving.empty() || n.effective_date() < leaving) {
          leaving = n.effective_date();
        }
      }
    }
    if (terminated && (leaving.empty() || termination < leaving)) {
      leaving = termination;
    }
    bool paused = false;
    for (const auto& p : provider.pauses()) {
      if (p.paused() &&
          (p.zone_id().empty() || p.zone_id() == zone.zone_id())) {
        paused = true;
      }
    }
    const v1::CapacityCap* cap = CapAsOf(provider, zone.zone_id(), d);
    for (const auto& category : m.categories()) {
      bool approved = false;
      for (const auto& a : provider.approvals()) {
        if (a.zone_id() == zone.zone_id() &&
            a.category_id() == category.category_id() && ApprovalCovers(a, d)) {
          approved = true;
        }
      }
      if (!approved) continue;
      out.set_active(true);
      v1::ZoneCategoryStatus* st = out.add_statuses();
      st->set_zone_id(zone.zone_id());
      st->set_category_id(category.category_id());
      st->set_approved(true);
      st->set_leaving_date(leaving);
      if (cap) {
        st->set_capped(cap->capped());
        st->set_max_clients(cap->max_clients());
        st->set_max_hours_per_month(cap->max_hours_per_month());
      }
      if (paused) st->add_reasons("intake paused by the provider");
      if (suspended) st->add_reasons("suspended: no new clients");
      if (terminated) {
        st->add_reasons(absl::StrCat("contract terminated from ", termination));
      }
      if (notice_given && m.stop_intake_on_notice()) {
        st->add_reasons(absl::StrCat("notice given: leaves ", leaving));
      }
      if (cap && cap->capped() && cap->max_clients() == 0) {
        st->add_reasons("capacity cap is zero clients");
      }
      st->set_accepting_new_clients(st->reasons().empty());
    }
  }
  return out;
}

}  // namespace lov::registry
