// The fixture of the registry's rule tests (registry_rules_test.cc,
// capacity_notice_rules_test.cc, sanction_rules_test.cc,
// provider_status_test.cc): a Norrtälje-like municipality (four zones, five
// categories, 90 days' notice), fixed dates, no clock, no I/O. The tests are
// written inside namespace rules_test, so they name what is here, and the
// matchers they share, without a using-declaration of their own.
#ifndef LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_TEST_SUPPORT_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_TEST_SUPPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/domain/registry_rules.h"
#include "lov/registry/domain/sanction_rules.h"
#include "status_matchers.h"

namespace lov::registry::rules_test {

inline const absl::CivilDay kToday(2025, 3, 10);

// 09:00 UTC = 10:00 in Stockholm on 2025-03-10 (CET, before the DST change).
inline absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2025, 3, 10, 9, 0, 0),
                         absl::UTCTimeZone());
}

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

inline constexpr char kService[] = "home-help-service";
inline constexpr char kCare[] = "home-help-personal-care";
inline constexpr char kRehab[] = "rehabilitation";
inline constexpr char kDegree[] = "university-care-degree";

inline v1::Municipality Norrtalje() {
  v1::Municipality m;
  m.set_municipality_id("0188");
  m.set_name("Norrtälje");
  m.set_provider_notice_days(90);
  m.set_stop_intake_on_notice(true);
  struct Z {
    const char* id;
    const char* name;
    v1::AreaType area;
  };
  for (const Z& z : {Z{"north", "Norra", v1::AREA_TYPE_RURAL},
                     Z{"south", "Södra", v1::AREA_TYPE_URBAN},
                     Z{"roslagen", "Roslagen", v1::AREA_TYPE_RURAL},
                     Z{"city", "Norrtälje stad", v1::AREA_TYPE_URBAN}}) {
    v1::Zone* zone = m.add_zones();
    zone->set_zone_id(z.id);
    zone->set_name(z.name);
    zone->set_area_type(z.area);
  }
  // Home help 07-22 every day.
  v1::HoursOfResponsibility day;
  day.set_start_minute(7 * 60);
  day.set_end_minute(22 * 60);
  v1::ServiceCategory* service = m.add_categories();
  service->set_category_id(kService);
  service->set_name("Hemtjänst service");
  *service->add_hours() = day;
  v1::ServiceCategory* care = m.add_categories();
  care->set_category_id(kCare);
  care->set_name("Hemtjänst omvårdnad");
  *care->add_hours() = day;
  care->add_required_manager_qualifications(kDegree);
  // Rehabilitation Mon-Fri 08-17.
  v1::ServiceCategory* rehab = m.add_categories();
  rehab->set_category_id(kRehab);
  rehab->set_name("Rehabilitering");
  v1::HoursOfResponsibility* office = rehab->add_hours();
  for (int wd = 1; wd <= 5; ++wd) office->add_weekdays(wd);
  office->set_start_minute(8 * 60);
  office->set_end_minute(17 * 60);
  v1::ServiceCategory* companion = m.add_categories();
  companion->set_category_id("companion-service");
  companion->set_name("Ledsagning");
  v1::ServiceCategory* respite = m.add_categories();
  respite->set_category_id("respite-care");
  respite->set_name("Avlösning");
  return m;
}

// The registry's keyed pseudonym, faked with a fixed value so that ids are
// known by hand; a sole trader's id takes its first 20 hex digits.
inline std::string FakePseudonym(const std::string&) {
  return "00112233445566778899aabbccddeeff";
}

inline v1::RegisterProviderRequest RegisterRequest(const std::string& org) {
  v1::RegisterProviderRequest r;
  r.set_request_id("reg-1");
  r.set_organisation_number(org);
  r.set_name("Omsorgshuset i Roslagen AB");
  r.set_kind(v1::PROVIDER_KIND_PRIVATE);
  r.add_manager_qualifications(kDegree);
  r.mutable_profile()->add_languages("sv");
  r.mutable_profile()->add_languages("fi");
  return r;
}

// 556036-0793: from the right 3, 9*2=18->9, 7, 0, 6, 3*2=6, 0, 6*2=12->3, 5,
// 5*2=10->1; sum 40, a valid check digit.
inline v1::Provider Registered() {
  return RegisterProvider(RegisterRequest("5560360793"), FakePseudonym, Now())
      .value();
}

class RulesTest : public ::testing::Test {
 protected:
  v1::Provider Submit(const v1::Provider& p,
                      const std::vector<std::string>& zones,
                      const std::vector<std::string>& categories) {
    v1::SubmitApplicationRequest r;
    r.set_provider_id(p.provider_id());
    for (const auto& z : zones) r.add_zone_ids(z);
    for (const auto& c : categories) r.add_category_ids(c);
    return SubmitApplication(m_, p, r, Now()).value();
  }

  absl::StatusOr<v1::Provider> Decide(const v1::Provider& p,
                                      const std::string& application_id,
                                      const std::string& effective_date) {
    v1::DecideApplicationRequest r;
    r.set_provider_id(p.provider_id());
    r.set_application_id(application_id);
    r.set_approve(true);
    r.set_effective_date(effective_date);
    return DecideApplication(m_, p, r, kToday, Now());
  }

  // Approved for home help (service and personal care) in north and city
  // from 2025-01-01.
  v1::Provider Approved() {
    v1::Provider p = Submit(Registered(), {"north", "city"}, {kService, kCare});
    return Decide(p, "app-1", "2025-01-01").value();
  }

  absl::StatusOr<v1::Provider> Notice(const v1::Provider& p,
                                      const std::string& zone,
                                      const std::string& effective_date,
                                      const std::string& given_on = "") {
    v1::GiveNoticeRequest r;
    r.set_provider_id(p.provider_id());
    r.set_zone_id(zone);
    r.set_effective_date(effective_date);
    r.set_given_on(given_on);
    r.set_reason("too few clients");
    return GiveNotice(m_, p, r, kToday);
  }

  absl::StatusOr<v1::Provider> Sanction(const v1::Provider& p,
                                        v1::SanctionKind kind,
                                        const std::string& deadline,
                                        const std::string& effective_date) {
    v1::ImposeSanctionRequest r;
    r.set_provider_id(p.provider_id());
    r.set_kind(kind);
    r.set_reason("missed visits found at inspection");
    r.set_deadline(deadline);
    r.set_effective_date(effective_date);
    return ImposeSanction(p, r, kToday);
  }

  absl::StatusOr<v1::Provider> Cap(const v1::Provider& p,
                                   const std::string& zone, int max_clients) {
    v1::SetCapacityRequest r;
    r.set_provider_id(p.provider_id());
    r.set_zone_id(zone);
    r.set_max_clients(max_clients);
    return SetCapacity(m_, p, r, kToday);
  }

  // A copy of the status in (zone, category), or nothing when not approved
  // there.
  static std::optional<v1::ZoneCategoryStatus> Find(
      const v1::ProviderStatus& s, const std::string& zone,
      const std::string& category) {
    for (const auto& st : s.statuses()) {
      if (st.zone_id() == zone && st.category_id() == category) return st;
    }
    return std::nullopt;
  }

  v1::Municipality m_ = Norrtalje();
};

}  // namespace lov::registry::rules_test

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_REGISTRY_RULES_TEST_SUPPORT_H_
