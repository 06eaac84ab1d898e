#include "lov/registry/domain/registry_rules.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/domain/field_errors.h"

namespace lov::registry {
namespace {

using internal::DateField;
using internal::Invalid;
using internal::Rule;

const v1::Zone* FindZone(const v1::Municipality& m, const std::string& id) {
  for (const auto& z : m.zones()) {
    if (z.zone_id() == id) return &z;
  }
  return nullptr;
}

const v1::ServiceCategory* FindCategory(const v1::Municipality& m,
                                        const std::string& id) {
  for (const auto& c : m.categories()) {
    if (c.category_id() == id) return &c;
  }
  return nullptr;
}

absl::Status RequireZone(const v1::Municipality& m, const std::string& field,
                         const std::string& zone_id) {
  if (zone_id.empty()) return Invalid(field, "is required");
  if (!FindZone(m, zone_id)) {
    return Invalid(field, absl::StrCat("unknown zone '", zone_id, "'"));
  }
  return absl::OkStatus();
}

// Approved in `zone_id` on `day` or later (an approval that has not ended).
bool ApprovedInZoneFrom(const v1::Provider& p, const std::string& zone_id,
                        const std::string& day) {
  for (const auto& a : p.approvals()) {
    if ((zone_id.empty() || a.zone_id() == zone_id) &&
        (a.effective_to().empty() || day <= a.effective_to())) {
      return true;
    }
  }
  return false;
}

std::string DayBefore(const std::string& date) {
  absl::StatusOr<absl::CivilDay> d = ParseDate(date);
  return d.ok() ? FormatDate(*d - 1) : date;
}

absl::Status ValidateProfile(const v1::Profile& profile) {
  for (int i = 0; i < profile.languages_size(); ++i) {
    if (profile.languages(i).empty()) {
      return Invalid(absl::StrCat("profile.languages[", i, "]"), "is empty");
    }
  }
  for (int i = 0; i < profile.specialisations_size(); ++i) {
    if (profile.specialisations(i).empty()) {
      return Invalid(absl::StrCat("profile.specialisations[", i, "]"),
                     "is empty");
    }
  }
  return absl::OkStatus();
}

// The free text of a provider's record goes into its events as written: no
// personnummer there (a sole trader naming itself as the contact, say).
// contact.phone is not screened: ten bare digits of a phone number pass
// the check one time in ten (docs/security.md, "Personnummer hygiene").
absl::Status RefusePersonnummerInText(
    const v1::Contact& contact, const v1::Profile& profile,
    const google::protobuf::RepeatedPtrField<std::string>& qualifications) {
  for (const auto& [field, value] :
       {std::pair{"contact.contact_person", &contact.contact_person()},
        std::pair{"contact.email", &contact.email()},
        std::pair{"contact.address", &contact.address()},
        std::pair{"profile.description", &profile.description()}}) {
    if (absl::Status s = RefusePersonnummer(field, *value); !s.ok()) return s;
  }
  for (int i = 0; i < qualifications.size(); ++i) {
    if (absl::Status s = RefusePersonnummer(
            absl::StrCat("manager_qualifications[", i, "]"), qualifications[i]);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string ProviderIdFor(const std::string& normalized_org_number,
                          const OrgNumberPseudonym& pseudonym) {
  if (!IsLegalPersonNumber(normalized_org_number)) {
    return "prv-" + pseudonym(normalized_org_number).substr(0, 20);
  }
  std::string digits;
  for (char c : normalized_org_number) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return "prv-" + digits;
}

absl::Status ValidateMunicipality(const v1::Municipality& m) {
  if (m.municipality_id().empty()) {
    return Invalid("municipality.municipality_id", "is required");
  }
  if (m.name().empty()) return Invalid("municipality.name", "is required");
  if (m.zones().empty()) {
    return Invalid("municipality.zones", "at least one zone is required");
  }
  std::set<std::string> ids;
  for (int i = 0; i < m.zones_size(); ++i) {
    const auto& z = m.zones(i);
    std::string f = absl::StrCat("municipality.zones[", i, "]");
    if (z.zone_id().empty()) return Invalid(f + ".zone_id", "is required");
    if (!ids.insert(z.zone_id()).second) {
      return Invalid(f + ".zone_id",
                     absl::StrCat("duplicate zone '", z.zone_id(), "'"));
    }
    if (z.name().empty()) return Invalid(f + ".name", "is required");
    if (z.area_type() == v1::AREA_TYPE_UNSPECIFIED) {
      return Invalid(f + ".area_type", "must be URBAN or RURAL");
    }
  }
  if (m.categories().empty()) {
    return Invalid("municipality.categories",
                   "at least one service category is required");
  }
  ids.clear();
  for (int i = 0; i < m.categories_size(); ++i) {
    const auto& c = m.categories(i);
    std::string f = absl::StrCat("municipality.categories[", i, "]");
    if (c.category_id().empty()) {
      return Invalid(f + ".category_id", "is required");
    }
    if (!ids.insert(c.category_id()).second) {
      return Invalid(f + ".category_id", absl::StrCat("duplicate category '",
                                                      c.category_id(), "'"));
    }
    if (c.name().empty()) return Invalid(f + ".name", "is required");
    for (int j = 0; j < c.hours_size(); ++j) {
      const auto& h = c.hours(j);
      std::string hf = absl::StrCat(f, ".hours[", j, "]");
      if (h.start_minute() < 0 || h.end_minute() > 24 * 60 ||
          h.end_minute() <= h.start_minute()) {
        return Invalid(hf, "needs 0 <= start_minute < end_minute <= 1440");
      }
      for (int wd : h.weekdays()) {
        if (wd < 1 || wd > 7) {
          return Invalid(
              hf + ".weekdays",
              absl::StrCat(wd, " is not a weekday 1 (Mon)..7 (Sun)"));
        }
      }
    }
  }
  if (m.provider_notice_days() < 0) {
    return Invalid("municipality.provider_notice_days", "must be 0 or more");
  }
  return absl::OkStatus();
}

absl::Status CheckInHouseProvider(const v1::Municipality& m,
                                  const v1::Provider* in_house) {
  if (m.in_house_provider_id().empty()) return absl::OkStatus();
  if (in_house == nullptr) {
    return Invalid("municipality.in_house_provider_id",
                   absl::StrCat("provider '", m.in_house_provider_id(),
                                "' is not registered"));
  }
  if (in_house->kind() != v1::PROVIDER_KIND_IN_HOUSE) {
    return Invalid("municipality.in_house_provider_id",
                   absl::StrCat("provider '", m.in_house_provider_id(),
                                "' is not registered as in-house"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Provider> RegisterProvider(
    const v1::RegisterProviderRequest& request,
    const OrgNumberPseudonym& pseudonym, absl::Time now) {
  absl::StatusOr<std::string> org =
      NormalizeOrganisationsnummer(request.organisation_number());
  if (!org.ok()) {
    return Invalid("organisation_number", std::string(org.status().message()));
  }
  if (request.name().empty()) return Invalid("name", "is required");
  if (request.kind() == v1::PROVIDER_KIND_UNSPECIFIED) {
    return Invalid("kind", "must be PRIVATE or IN_HOUSE");
  }
  if (absl::Status s = ValidateProfile(request.profile()); !s.ok()) return s;
  if (absl::Status s =
          RefusePersonnummerInText(request.contact(), request.profile(),
                                   request.manager_qualifications());
      !s.ok()) {
    return s;
  }
  v1::Provider p;
  p.set_provider_id(ProviderIdFor(*org, pseudonym));
  if (IsLegalPersonNumber(*org)) p.set_organisation_number(*org);
  p.set_name(request.name());
  p.set_kind(request.kind());
  *p.mutable_contact() = request.contact();
  *p.mutable_profile() = request.profile();
  p.set_permit_reference(request.permit_reference());
  *p.mutable_manager_qualifications() = request.manager_qualifications();
  *p.mutable_registered_at() = ToProtoTime(now);
  return p;
}

absl::StatusOr<v1::Provider> UpdateProvider(
    v1::Provider provider, const v1::UpdateProviderRequest& request) {
  if (absl::Status s = ValidateProfile(request.profile()); !s.ok()) return s;
  if (absl::Status s =
          RefusePersonnummerInText(request.contact(), request.profile(),
                                   request.manager_qualifications());
      !s.ok()) {
    return s;
  }
  *provider.mutable_contact() = request.contact();
  *provider.mutable_profile() = request.profile();
  *provider.mutable_manager_qualifications() = request.manager_qualifications();
  return provider;
}

absl::StatusOr<v1::Provider> SubmitApplication(
    const v1::Municipality& m, v1::Provider provider,
    const v1::SubmitApplicationRequest& request, absl::Time now) {
  if (request.zone_ids().empty()) {
    return Invalid("zone_ids", "at least one zone is required");
  }
  if (request.category_ids().empty()) {
    return Invalid("category_ids", "at least one category is required");
  }
  for (int i = 0; i < request.zone_ids_size(); ++i) {
    const std::string field = absl::StrCat("zone_ids[", i, "]");
    if (absl::Status s = RequireZone(m, field, request.zone_ids(i)); !s.ok()) {
      return s;
    }
    for (int j = 0; j < i; ++j) {
      if (request.zone_ids(j) == request.zone_ids(i)) {
        return Invalid(field, absl::StrCat("zone '", request.zone_ids(i),
                                           "' is listed twice"));
      }
    }
  }
  for (int i = 0; i < request.category_ids_size(); ++i) {
    const std::string field = absl::StrCat("category_ids[", i, "]");
    if (!FindCategory(m, request.category_ids(i))) {
      return Invalid(field, absl::StrCat("unknown category '",
                                         request.category_ids(i), "'"));
    }
    for (int j = 0; j < i; ++j) {
      if (request.category_ids(j) == request.category_ids(i)) {
        return Invalid(field,
                       absl::StrCat("category '", request.category_ids(i),
                                    "' is listed twice"));
      }
    }
  }
  if (Terminated(provider)) {
    return Rule("the provider's contract is terminated; it cannot apply");
  }
  v1::Application* a = provider.add_applications();
  a->set_application_id(absl::StrCat("app-", provider.applications_size()));
  *a->mutable_zone_ids() = request.zone_ids();
  *a->mutable_category_ids() = request.category_ids();
  a->set_status(v1::APPLICATION_STATUS_PENDING);
  *a->mutable_submitted_at() = ToProtoTime(now);
  return provider;
}

absl::StatusOr<v1::Provider> DecideApplication(
    const v1::Municipality& m, v1::Provider provider,
    const v1::DecideApplicationRequest& request, absl::CivilDay today,
    absl::Time now) {
  v1::Application* app = nullptr;
  for (auto& a : *provider.mutable_applications()) {
    if (a.application_id() == request.application_id()) app = &a;
  }
  if (request.application_id().empty()) {
    return Invalid("application_id", "is required");
  }
  if (app == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("application '", request.application_id(),
                     "' of provider '", provider.provider_id(), "'"));
  }
  if (app->status() != v1::APPLICATION_STATUS_PENDING) {
    return Rule(absl::StrCat(
        "application '", app->application_id(), "' is already ",
        app->status() == v1::APPLICATION_STATUS_APPROVED ? "approved"
                                                         : "rejected",
        "; a decision is made once"));
  }
  if (!request.approve()) {
    if (request.reason().empty()) {
      return Invalid("reason", "is required when rejecting");
    }
    app->set_status(v1::APPLICATION_STATUS_REJECTED);
    app->set_decision_reason(request.reason());
    *app->mutable_decided_at() = ToProtoTime(now);
    return provider;
  }
  absl::StatusOr<absl::CivilDay> effective =
      DateField("effective_date", request.effective_date(), std::nullopt);
  if (!effective.ok()) return effective.status();
  if (Terminated(provider)) {
    return Rule("the provider's contract is terminated; it cannot be approved");
  }
  // Requirements per category are data, checked here.
  for (const auto& category_id : app->category_ids()) {
    const v1::ServiceCategory* c = FindCategory(m, category_id);
    if (!c) {
      return Rule(absl::StrCat("category '", category_id,
                               "' no longer exists in the municipality"));
    }
    for (const auto& q : c->required_manager_qualifications()) {
      if (std::find(provider.manager_qualifications().begin(),
                    provider.manager_qualifications().end(),
                    q) == provider.manager_qualifications().end()) {
        return Rule(absl::StrCat("category '", category_id,
                                 "' requires a responsible manager with '", q,
                                 "'; the provider has not shown it"));
      }
    }
  }
  const std::string from = FormatDate(*effective);
  for (const auto& zone_id : app->zone_ids()) {
    if (!FindZone(m, zone_id)) {
      return Rule(absl::StrCat("zone '", zone_id,
                               "' no longer exists in the municipality"));
    }
    for (const auto& category_id : app->category_ids()) {
      for (const auto& existing : provider.approvals()) {
        if (existing.zone_id() == zone_id &&
            existing.category_id() == category_id &&
            (existing.effective_to().empty() ||
             from <= existing.effective_to())) {
          return Rule(absl::StrCat("already approved for ", category_id, " in ",
                                   zone_id, " (application ",
                                   existing.application_id(),
                                   "); approving twice is not allowed"));
        }
      }
      v1::Approval* a = provider.add_approvals();
      a->set_zone_id(zone_id);
      a->set_category_id(category_id);
      a->set_effective_from(from);
      a->set_application_id(app->application_id());
    }
  }
  app->set_status(v1::APPLICATION_STATUS_APPROVED);
  app->set_decision_reason(request.reason());
  app->set_effective_date(from);
  *app->mutable_decided_at() = ToProtoTime(now);
  (void)today;  // approval is continuous: any day, past or future
  return provider;
}

absl::StatusOr<v1::Provider> SetCapacity(const v1::Municipality& m,
                                         v1::Provider provider,
                                         const v1::SetCapacityRequest& request,
                                         absl::CivilDay today) {
  if (absl::Status s = RequireZone(m, "zone_id", request.zone_id()); !s.ok()) {
    return s;
  }
  if (!request.remove_cap() && request.max_clients() < 0) {
    return Invalid("max_clients", "must be 0 or more (a cap below zero)");
  }
  if (request.max_hours_per_month() < 0) {
    return Invalid("max_hours_per_month", "must be 0 or more");
  }
  absl::StatusOr<absl::CivilDay> effective =
      DateField("effective_date", request.effective_date(), today);
  if (!effective.ok()) return effective.status();
  if (!ApprovedInZoneFrom(provider, request.zone_id(), FormatDate(today))) {
    return Rule(absl::StrCat("provider '", provider.provider_id(),
                             "' is not approved in zone '", request.zone_id(),
                             "'"));
  }
  // Caps are a dated history per zone; a new decision replaces any planned
  // from the same date on.
  const std::string from = FormatDate(*effective);
  auto* caps = provider.mutable_capacity();
  for (int i = caps->size() - 1; i >= 0; --i) {
    if (caps->Get(i).zone_id() == request.zone_id() &&
        caps->Get(i).effective_date() >= from) {
      caps->DeleteSubrange(i, 1);
    }
  }
  v1::CapacityCap* cap = provider.add_capacity();
  cap->set_zone_id(request.zone_id());
  cap->set_capped(!request.remove_cap());
  cap->set_max_clients(request.remove_cap() ? 0 : request.max_clients());
  cap->set_max_hours_per_month(request.max_hours_per_month());
  cap->set_effective_date(from);
  return provider;
}

absl::StatusOr<v1::Provider> GiveNotice(const v1::Municipality& m,
                                        v1::Provider provider,
                                        const v1::GiveNoticeRequest& request,
                                        absl::CivilDay today) {
  if (!request.zone_id().empty()) {
    if (absl::Status s = RequireZone(m, "zone_id", request.zone_id());
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<absl::CivilDay> given =
      DateField("given_on", request.given_on(), today);
  if (!given.ok()) return given.status();
  absl::StatusOr<absl::CivilDay> effective =
      DateField("effective_date", request.effective_date(), std::nullopt);
  if (!effective.ok()) return effective.status();
  if (*effective <= *given) {
    return Invalid("effective_date", "must be after given_on");
  }
  if (*effective - *given < m.provider_notice_days()) {
    return Rule(absl::StrCat("the notice period is ", m.provider_notice_days(),
                             " days: the earliest leaving date for a notice "
                             "given on ",
                             FormatDate(*given), " is ",
                             FormatDate(*given + m.provider_notice_days())));
  }
  const std::string given_text = FormatDate(*given);
  if (!ApprovedInZoneFrom(provider, request.zone_id(), given_text)) {
    return Rule(request.zone_id().empty()
                    ? std::string("the provider is not approved anywhere")
                    : absl::StrCat("provider '", provider.provider_id(),
                                   "' is not in zone '", request.zone_id(),
                                   "'; it cannot leave it"));
  }
  for (const auto& n : provider.notices()) {
    // A notice that has taken effect is history: the provider may have been
    // approved there again since.
    if (!n.withdrawn() && given_text < n.effective_date() &&
        (n.zone_id().empty() || n.zone_id() == request.zone_id())) {
      return Rule(absl::StrCat("notice already given",
                               n.zone_id().empty() ? "" : " for zone ",
                               n.zone_id(), ": leaves ", n.effective_date()));
    }
  }
  const std::string effective_text = FormatDate(*effective);
  v1::Notice* n = provider.add_notices();
  n->set_zone_id(request.zone_id());
  n->set_given_on(given_text);
  n->set_effective_date(effective_text);
  n->set_reason(request.reason());
  const std::string last_day = DayBefore(effective_text);
  for (auto& a : *provider.mutable_approvals()) {
    if ((request.zone_id().empty() || a.zone_id() == request.zone_id()) &&
        (a.effective_to().empty() || a.effective_to() > last_day)) {
      *n->add_cut_approvals() = a;
      a.set_effective_to(last_day);
    }
  }
  return provider;
}

absl::StatusOr<v1::Provider> WithdrawNotice(
    const v1::Municipality& m, v1::Provider provider,
    const v1::WithdrawNoticeRequest& request, absl::CivilDay today) {
  if (!request.zone_id().empty()) {
    if (absl::Status s = RequireZone(m, "zone_id", request.zone_id());
        !s.ok()) {
      return s;
    }
  }
  const std::string where = request.zone_id().empty()
                                ? std::string("the whole system")
                                : "zone " + request.zone_id();
  v1::Notice* notice = nullptr;
  for (auto& n : *provider.mutable_notices()) {
    if (!n.withdrawn() && n.zone_id() == request.zone_id()) notice = &n;
  }
  if (notice == nullptr) {
    return Rule(absl::StrCat("provider '", provider.provider_id(),
                             "' has no notice to leave ", where,
                             " to withdraw"));
  }
  const std::string today_text = FormatDate(today);
  if (notice->effective_date() <= today_text) {
    return Rule(absl::StrCat("the notice to leave ", where, " took effect on ",
                             notice->effective_date(),
                             "; the provider must apply again"));
  }
  notice->set_withdrawn(true);
  notice->set_withdrawn_on(today_text);
  // The approvals it cut, back as they were (unless changed since).
  const std::string last_day = DayBefore(notice->effective_date());
  for (const auto& before : notice->cut_approvals()) {
    for (auto& a : *provider.mutable_approvals()) {
      if (a.zone_id() == before.zone_id() &&
          a.category_id() == before.category_id() &&
          a.effective_from() == before.effective_from() &&
          a.effective_to() == last_day) {
        a.set_effective_to(before.effective_to());
      }
    }
  }
  return provider;
}

absl::StatusOr<v1::Provider> SetIntakePaused(
    const v1::Municipality& m, v1::Provider provider,
    const v1::SetIntakePausedRequest& request) {
  if (!request.zone_id().empty()) {
    if (absl::Status s = RequireZone(m, "zone_id", request.zone_id());
        !s.ok()) {
      return s;
    }
  }
  if (request.paused() && request.reason().empty()) {
    return Invalid("reason", "is required when pausing intake");
  }
  v1::IntakePause* pause = nullptr;
  for (auto& p : *provider.mutable_pauses()) {
    if (p.zone_id() == request.zone_id()) pause = &p;
  }
  if (!pause) {
    pause = provider.add_pauses();
    pause->set_zone_id(request.zone_id());
  }
  pause->set_paused(request.paused());
  pause->set_reason(request.reason());
  return provider;
}

}  // namespace lov::registry
