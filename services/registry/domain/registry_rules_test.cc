// The registry's rules as pure functions: a Norrtälje-like municipality (four
// zones, five categories, 90 days' notice), fixed dates, no clock, no I/O.
// Expected values are written by hand.
#include "lov/registry/domain/registry_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/domain/sanction_rules.h"
#include "status_matchers.h"

namespace lov::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::CivilDay kToday(2025, 3, 10);

// 09:00 UTC = 10:00 in Stockholm on 2025-03-10 (CET, before the DST change).
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2025, 3, 10, 9, 0, 0),
                         absl::UTCTimeZone());
}

using ::lov::testing::IsError;

constexpr char kService[] = "home-help-service";
constexpr char kCare[] = "home-help-personal-care";
constexpr char kRehab[] = "rehabilitation";
constexpr char kDegree[] = "university-care-degree";

v1::Municipality Norrtalje() {
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
std::string FakePseudonym(const std::string&) {
  return "00112233445566778899aabbccddeeff";
}

v1::RegisterProviderRequest RegisterRequest(const std::string& org) {
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
v1::Provider Registered() {
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

// ------------------------------------------------------------ municipality

TEST(MunicipalityTest, NorrtaljeIsValid) {
  EXPECT_TRUE(ValidateMunicipality(Norrtalje()).ok());
}

TEST(MunicipalityTest, DuplicateZoneIsRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_zones(3)->set_zone_id("north");
  EXPECT_TRUE(
      IsError(ValidateMunicipality(m), absl::StatusCode::kInvalidArgument,
              {"municipality.zones[3].zone_id", "duplicate zone", "'north'"}));
}

TEST(MunicipalityTest, DuplicateCategoryIsRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_categories(4)->set_category_id(kService);
  EXPECT_TRUE(IsError(ValidateMunicipality(m),
                      absl::StatusCode::kInvalidArgument,
                      {"municipality.categories[4].category_id",
                       "duplicate category", kService}));
}

TEST(MunicipalityTest, ZoneWithoutAreaTypeIsRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_zones(2)->set_area_type(v1::AREA_TYPE_UNSPECIFIED);
  EXPECT_TRUE(IsError(ValidateMunicipality(m),
                      absl::StatusCode::kInvalidArgument,
                      {"municipality.zones[2].area_type", "URBAN or RURAL"}));
}

TEST(MunicipalityTest, HoursEndingBeforeTheyStartAreRejected) {
  v1::Municipality m = Norrtalje();
  // Rehabilitation "17:00-08:00".
  m.mutable_categories(2)->mutable_hours(0)->set_start_minute(17 * 60);
  m.mutable_categories(2)->mutable_hours(0)->set_end_minute(8 * 60);
  EXPECT_TRUE(IsError(
      ValidateMunicipality(m), absl::StatusCode::kInvalidArgument,
      {"municipality.categories[2].hours[0]", "start_minute < end_minute"}));
}

TEST(MunicipalityTest, HoursPastMidnightAreRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_categories(0)->mutable_hours(0)->set_end_minute(24 * 60 + 1);
  EXPECT_TRUE(IsError(ValidateMunicipality(m),
                      absl::StatusCode::kInvalidArgument,
                      {"municipality.categories[0].hours[0]", "1440"}));
}

TEST(MunicipalityTest, WeekdayEightIsRejected) {
  v1::Municipality m = Norrtalje();
  m.mutable_categories(2)->mutable_hours(0)->add_weekdays(8);
  EXPECT_TRUE(IsError(
      ValidateMunicipality(m), absl::StatusCode::kInvalidArgument,
      {"municipality.categories[2].hours[0].weekdays", "8 is not a weekday"}));
}

TEST(MunicipalityTest, NegativeNoticePeriodIsRejected) {
  v1::Municipality m = Norrtalje();
  m.set_provider_notice_days(-1);
  EXPECT_TRUE(IsError(ValidateMunicipality(m),
                      absl::StatusCode::kInvalidArgument,
                      {"provider_notice_days"}));
}

TEST(MunicipalityTest, InHouseProviderMustBeRegisteredAsInHouse) {
  v1::Municipality m = Norrtalje();
  m.set_in_house_provider_id("prv-2120000142");
  EXPECT_TRUE(IsError(
      CheckInHouseProvider(m, nullptr), absl::StatusCode::kInvalidArgument,
      {"in_house_provider_id", "prv-2120000142", "not registered"}));
  v1::Provider p;
  p.set_provider_id("prv-2120000142");
  p.set_kind(v1::PROVIDER_KIND_PRIVATE);
  EXPECT_TRUE(IsError(CheckInHouseProvider(m, &p),
                      absl::StatusCode::kInvalidArgument,
                      {"in_house_provider_id", "not registered as in-house"}));
  p.set_kind(v1::PROVIDER_KIND_IN_HOUSE);
  EXPECT_TRUE(CheckInHouseProvider(m, &p).ok());
}

// ------------------------------------------------------------ registration

TEST(RegisterProviderTest, NormalisesTheOrganisationNumberAndDerivesTheId) {
  absl::StatusOr<v1::Provider> p =
      RegisterProvider(RegisterRequest("5560360793"), FakePseudonym, Now());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->organisation_number(), "556036-0793");
  EXPECT_EQ(p->provider_id(), "prv-5560360793");
  EXPECT_EQ(p->name(), "Omsorgshuset i Roslagen AB");
  EXPECT_EQ(p->kind(), v1::PROVIDER_KIND_PRIVATE);
  EXPECT_THAT(p->manager_qualifications(), ElementsAre(kDegree));
  EXPECT_THAT(p->profile().languages(), ElementsAre("sv", "fi"));
  EXPECT_EQ(FromProtoTime(p->registered_at()), Now());
  EXPECT_THAT(p->approvals(), IsEmpty());
}

TEST(RegisterProviderTest, EveryWritingOfTheNumberGivesTheSameProvider) {
  // With the dash, and with the "16" prefix some registers add.
  for (const char* org : {"556036-0793", "165560360793", "16556036-0793"}) {
    absl::StatusOr<v1::Provider> p =
        RegisterProvider(RegisterRequest(org), FakePseudonym, Now());
    ASSERT_TRUE(p.ok()) << org << ": " << p.status();
    EXPECT_EQ(p->organisation_number(), "556036-0793") << org;
    EXPECT_EQ(p->provider_id(), "prv-5560360793") << org;
  }
}

// 811218-9876 (Luhn by hand in identity_numbers_test.cc) is a sole trader's
// organisation number: the owner's personnummer, born 18 December 1981.
TEST(RegisterProviderTest, SoleTraderGetsASurrogateIdAndKeepsNoNumber) {
  std::string keyed_on;
  auto pseudonym = [&keyed_on](const std::string& org) {
    keyed_on = org;
    return FakePseudonym(org);
  };
  for (const char* org : {"811218-9876", "8112189876", "168112189876"}) {
    absl::StatusOr<v1::Provider> p =
        RegisterProvider(RegisterRequest(org), pseudonym, Now());
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->provider_id(), "prv-00112233445566778899");
    EXPECT_EQ(p->organisation_number(), "");
    EXPECT_EQ(keyed_on, "811218-9876");  // Normalized: one id per number.
    EXPECT_EQ(p->SerializeAsString().find("9876"), std::string::npos);
  }
}

TEST(RegisterProviderTest, ANumberThatIsNoLegalPersonsIsTreatedAsPersonal) {
  // 811318-9875 passes Luhn (identity_numbers_test.cc) but has month 13:
  // not a valid personnummer, yet not a legal person's number either.
  absl::StatusOr<v1::Provider> p =
      RegisterProvider(RegisterRequest("811318-9875"), FakePseudonym, Now());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->provider_id(), "prv-00112233445566778899");
  EXPECT_EQ(p->organisation_number(), "");
}

TEST(RegisterProviderTest, WrongCheckDigitIsRejected) {
  EXPECT_TRUE(IsError(
      RegisterProvider(RegisterRequest("5560360794"), FakePseudonym, Now())
          .status(),
      absl::StatusCode::kInvalidArgument,
      {"organisation_number", "check digit"}));
}

TEST(RegisterProviderTest, MalformedNumberIsRejected) {
  for (const char* org : {"", "556036079", "556036-07934", "55603a0793"}) {
    EXPECT_TRUE(IsError(
        RegisterProvider(RegisterRequest(org), FakePseudonym, Now()).status(),
        absl::StatusCode::kInvalidArgument,
        {"organisation_number", "NNNNNN-NNNN"}))
        << org;
  }
}

TEST(RegisterProviderTest, KindIsRequired) {
  v1::RegisterProviderRequest r = RegisterRequest("5560360793");
  r.clear_kind();
  EXPECT_TRUE(IsError(RegisterProvider(r, FakePseudonym, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"kind", "PRIVATE or IN_HOUSE"}));
}

TEST(RegisterProviderTest, NameIsRequired) {
  v1::RegisterProviderRequest r = RegisterRequest("5560360793");
  r.clear_name();
  EXPECT_TRUE(IsError(RegisterProvider(r, FakePseudonym, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"name", "required"}));
}

TEST(RegisterProviderTest, EmptyLanguageIsRejected) {
  v1::RegisterProviderRequest r = RegisterRequest("5560360793");
  r.mutable_profile()->add_languages("");
  EXPECT_TRUE(IsError(RegisterProvider(r, FakePseudonym, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"profile.languages[2]", "empty"}));
}

// ------------------------------------------------------------ applications

TEST_F(RulesTest, SubmittedApplicationIsPending) {
  v1::Provider p = Submit(Registered(), {"north", "city"}, {kService, kCare});
  ASSERT_EQ(p.applications_size(), 1);
  const v1::Application& a = p.applications(0);
  EXPECT_EQ(a.application_id(), "app-1");
  EXPECT_EQ(a.status(), v1::APPLICATION_STATUS_PENDING);
  EXPECT_THAT(a.zone_ids(), ElementsAre("north", "city"));
  EXPECT_THAT(a.category_ids(), ElementsAre(kService, kCare));
  EXPECT_EQ(FromProtoTime(a.submitted_at()), Now());
  EXPECT_THAT(p.approvals(), IsEmpty());

  v1::Provider again = Submit(p, {"south"}, {kService});
  ASSERT_EQ(again.applications_size(), 2);
  EXPECT_EQ(again.applications(1).application_id(), "app-2");
}

TEST_F(RulesTest, UnknownZoneIsNamedByItsIndex) {
  v1::SubmitApplicationRequest r;
  r.add_zone_ids("north");
  r.add_zone_ids("kapellskar");
  r.add_category_ids(kService);
  EXPECT_TRUE(IsError(SubmitApplication(m_, Registered(), r, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_ids[1]", "unknown zone", "kapellskar"}));
}

TEST_F(RulesTest, UnknownCategoryIsNamedByItsIndex) {
  v1::SubmitApplicationRequest r;
  r.add_zone_ids("north");
  r.add_category_ids(kService);
  r.add_category_ids("night-patrol");
  EXPECT_TRUE(IsError(SubmitApplication(m_, Registered(), r, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"category_ids[1]", "unknown category", "night-patrol"}));
}

TEST_F(RulesTest, ApplicationNeedsZonesAndCategories) {
  v1::SubmitApplicationRequest no_zone;
  no_zone.add_category_ids(kService);
  EXPECT_TRUE(
      IsError(SubmitApplication(m_, Registered(), no_zone, Now()).status(),
              absl::StatusCode::kInvalidArgument, {"zone_ids", "at least"}));
  v1::SubmitApplicationRequest no_category;
  no_category.add_zone_ids("north");
  EXPECT_TRUE(IsError(
      SubmitApplication(m_, Registered(), no_category, Now()).status(),
      absl::StatusCode::kInvalidArgument, {"category_ids", "at least"}));
}

TEST_F(RulesTest, AZoneOrCategoryListedTwiceIsRejected) {
  v1::SubmitApplicationRequest twice;
  twice.add_zone_ids("north");
  twice.add_zone_ids("city");
  twice.add_zone_ids("north");
  twice.add_category_ids(kService);
  EXPECT_TRUE(
      IsError(SubmitApplication(m_, Registered(), twice, Now()).status(),
              absl::StatusCode::kInvalidArgument,
              {"zone_ids[2]", "zone 'north' is listed twice"}));
  twice.clear_zone_ids();
  twice.add_zone_ids("north");
  twice.add_category_ids(kService);
  EXPECT_TRUE(
      IsError(SubmitApplication(m_, Registered(), twice, Now()).status(),
              absl::StatusCode::kInvalidArgument,
              {"category_ids[1]", "is listed twice"}));
}

TEST_F(RulesTest, ApprovalCoversEveryZoneAndCategoryOfTheApplication) {
  v1::Provider p = Submit(Registered(), {"north", "city"}, {kService, kCare});
  absl::StatusOr<v1::Provider> approved = Decide(p, "app-1", "2025-04-01");
  ASSERT_TRUE(approved.ok()) << approved.status();
  std::vector<std::string> pairs;
  for (const auto& a : approved->approvals()) {
    pairs.push_back(a.zone_id() + "/" + a.category_id());
    EXPECT_EQ(a.effective_from(), "2025-04-01");
    EXPECT_EQ(a.effective_to(), "");
    EXPECT_EQ(a.application_id(), "app-1");
  }
  EXPECT_THAT(pairs, UnorderedElementsAre("north/home-help-service",
                                          "north/home-help-personal-care",
                                          "city/home-help-service",
                                          "city/home-help-personal-care"));
  const v1::Application& app = approved->applications(0);
  EXPECT_EQ(app.status(), v1::APPLICATION_STATUS_APPROVED);
  EXPECT_EQ(app.effective_date(), "2025-04-01");
  EXPECT_EQ(FromProtoTime(app.decided_at()), Now());
}

TEST_F(RulesTest, ApplicationIsDecidedOnce) {
  v1::Provider p = Approved();
  EXPECT_TRUE(IsError(Decide(p, "app-1", "2025-05-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"app-1", "already approved", "once"}));
}

TEST_F(RulesTest, SecondApplicationForAnApprovedPairIsRefused) {
  v1::Provider p = Submit(Approved(), {"south", "north"}, {kService});
  EXPECT_TRUE(
      IsError(Decide(p, "app-2", "2025-05-01").status(),
              absl::StatusCode::kFailedPrecondition,
              {"already approved for home-help-service in north", "app-1"}));
}

TEST_F(RulesTest, MissingManagerQualificationBlocksApproval) {
  v1::RegisterProviderRequest r = RegisterRequest("5560360793");
  r.clear_manager_qualifications();
  r.add_manager_qualifications("upper-secondary-care");
  v1::Provider p = Submit(RegisterProvider(r, FakePseudonym, Now()).value(),
                          {"north"}, {kService, kCare});
  EXPECT_TRUE(IsError(Decide(p, "app-1", "2025-04-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"home-help-personal-care", "university-care-degree"}));
  // Service only needs no degree.
  v1::Provider service_only = Submit(p, {"north"}, {kService});
  EXPECT_TRUE(Decide(service_only, "app-2", "2025-04-01").ok());
}

TEST_F(RulesTest, RejectionNeedsAReason) {
  v1::Provider p = Submit(Registered(), {"north"}, {kService});
  v1::DecideApplicationRequest r;
  r.set_provider_id(p.provider_id());
  r.set_application_id("app-1");
  r.set_approve(false);
  EXPECT_TRUE(IsError(DecideApplication(m_, p, r, kToday, Now()).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "required when rejecting"}));

  r.set_reason("no IVO permit");
  absl::StatusOr<v1::Provider> rejected =
      DecideApplication(m_, p, r, kToday, Now());
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->applications(0).status(),
            v1::APPLICATION_STATUS_REJECTED);
  EXPECT_EQ(rejected->applications(0).decision_reason(), "no IVO permit");
  EXPECT_THAT(rejected->approvals(), IsEmpty());
  EXPECT_TRUE(IsError(Decide(*rejected, "app-1", "2025-04-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"already rejected"}));
}

TEST_F(RulesTest, ApprovalNeedsAnEffectiveDate) {
  v1::Provider p = Submit(Registered(), {"north"}, {kService});
  EXPECT_TRUE(IsError(Decide(p, "app-1", "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "required"}));
  EXPECT_TRUE(IsError(Decide(p, "app-1", "2025-02-30").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "2025-02-30"}));
}

TEST_F(RulesTest, UnknownApplicationIsNotFound) {
  v1::Provider p = Submit(Registered(), {"north"}, {kService});
  EXPECT_TRUE(IsError(Decide(p, "app-9", "2025-04-01").status(),
                      absl::StatusCode::kNotFound,
                      {"app-9", "prv-5560360793"}));
}

// ------------------------------------------------------------ capacity

TEST_F(RulesTest, CapBelowZeroIsRejected) {
  EXPECT_TRUE(IsError(Cap(Approved(), "north", -1).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"max_clients", "0 or more"}));
}

TEST_F(RulesTest, CapOnlyWhereApproved) {
  EXPECT_TRUE(IsError(Cap(Approved(), "south", 10).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not approved in zone 'south'"}));
  EXPECT_TRUE(IsError(Cap(Approved(), "kapellskar", 10).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone"}));
}

TEST_F(RulesTest, CapIsSetChangedAndRemoved) {
  absl::StatusOr<v1::Provider> p = Cap(Approved(), "north", 25);
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::CapacityCap* cap = CapFor(*p, "north");
  ASSERT_NE(cap, nullptr);
  EXPECT_TRUE(cap->capped());
  EXPECT_EQ(cap->max_clients(), 25);
  EXPECT_EQ(cap->effective_date(), "2025-03-10");  // empty = today
  EXPECT_EQ(CapFor(*p, "city"), nullptr);

  p = Cap(*p, "north", 30);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->capacity_size(), 1);  // one current cap per zone
  EXPECT_EQ(CapFor(*p, "north")->max_clients(), 30);
  std::optional<v1::ZoneCategoryStatus> st =
      Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->capped());
  EXPECT_EQ(st->max_clients(), 30);
  EXPECT_TRUE(st->accepting_new_clients());

  v1::SetCapacityRequest remove;
  remove.set_zone_id("north");
  remove.set_remove_cap(true);
  remove.set_max_clients(-5);  // ignored when removing
  p = SetCapacity(m_, *p, remove, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(CapFor(*p, "north"), nullptr);
  st = Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_FALSE(st->capped());
}

TEST_F(RulesTest, AnHoursCapNeedsNoCapOnClients) {
  v1::SetCapacityRequest hours;
  hours.set_zone_id("north");
  hours.set_remove_cap(true);          // any number of clients...
  hours.set_max_hours_per_month(400);  // ...up to 400 granted hours a month
  absl::StatusOr<v1::Provider> p = SetCapacity(m_, Approved(), hours, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_NE(CapFor(*p, "north"), nullptr);
  std::optional<v1::ZoneCategoryStatus> st =
      Find(StatusAsOf(m_, *p, kToday), "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_FALSE(st->capped());
  EXPECT_EQ(st->max_hours_per_month(), 400);
  EXPECT_TRUE(st->accepting_new_clients());  // not "zero clients"

  hours.set_max_hours_per_month(0);  // and removed again
  p = SetCapacity(m_, *p, hours, kToday);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(CapFor(*p, "north"), nullptr);
  st = Find(StatusAsOf(m_, *p, kToday), "north", kService);
  EXPECT_EQ(st->max_hours_per_month(), 0);
}

// ------------------------------------------------------------ notice

TEST_F(RulesTest, NoticePeriodIsRespected) {
  // 2025-03-10 + 90 days: 21 days to 03-31, 30 to 04-30, 31 to 05-31, then 8
  // more: 2025-06-08.
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-06-07").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"90 days", "2025-03-10", "2025-06-08"}));
  EXPECT_TRUE(Notice(Approved(), "north", "2025-06-08").ok());
}

TEST_F(RulesTest, NoticeGivenOnAnEarlierDayCountsFromThatDay) {
  // Given 2025-02-01: 27 days to 02-28, 31 to 03-31, 30 to 04-30, then 2
  // more: earliest 2025-05-02.
  EXPECT_TRUE(
      IsError(Notice(Approved(), "", "2025-05-01", "2025-02-01").status(),
              absl::StatusCode::kFailedPrecondition, {"2025-05-02"}));
  EXPECT_TRUE(Notice(Approved(), "", "2025-05-02", "2025-02-01").ok());
}

TEST_F(RulesTest, NoticeEffectiveBeforeItIsGivenIsInvalid) {
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-03-01").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "after given_on"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "2025-03-10").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "after given_on"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "north", "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"effective_date", "required"}));
}

TEST_F(RulesTest, AWithdrawnNoticeGivesTheApprovalsBack) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "north", "2025-06-08");
  ASSERT_TRUE(p.ok()) << p.status();
  v1::WithdrawNoticeRequest w;
  w.set_zone_id("city");  // no notice there
  EXPECT_TRUE(IsError(WithdrawNotice(m_, *p, w, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"no notice to leave zone city"}));
  w.set_zone_id("north");
  // Not once it has taken effect.
  EXPECT_TRUE(
      IsError(WithdrawNotice(m_, *p, w, absl::CivilDay(2025, 6, 8)).status(),
              absl::StatusCode::kFailedPrecondition,
              {"took effect on 2025-06-08", "apply again"}));
  absl::StatusOr<v1::Provider> back = WithdrawNotice(m_, *p, w, kToday);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->notices(0).withdrawn());
  EXPECT_EQ(back->notices(0).withdrawn_on(), "2025-03-10");
  for (const auto& a : back->approvals()) {
    EXPECT_EQ(a.effective_to(), "") << a.zone_id() << "/" << a.category_id();
  }
  // Withdrawn once; a new notice may be given again.
  EXPECT_FALSE(WithdrawNotice(m_, *back, w, kToday).ok());
  EXPECT_TRUE(Notice(*back, "north", "2025-07-01").ok());
}

TEST_F(RulesTest, CannotLeaveAZoneTheProviderIsNotIn) {
  EXPECT_TRUE(IsError(Notice(Approved(), "south", "2025-09-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not in zone 'south'"}));
  EXPECT_TRUE(IsError(Notice(Registered(), "", "2025-09-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"not approved anywhere"}));
  EXPECT_TRUE(IsError(Notice(Approved(), "kapellskar", "2025-09-01").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone"}));
}

TEST_F(RulesTest, ApprovalsInTheZoneEndTheDayBeforeLeaving) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "north", "2025-06-08");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->notices_size(), 1);
  EXPECT_EQ(p->notices(0).zone_id(), "north");
  EXPECT_EQ(p->notices(0).given_on(), "2025-03-10");
  EXPECT_EQ(p->notices(0).effective_date(), "2025-06-08");
  EXPECT_EQ(p->notices(0).reason(), "too few clients");
  for (const auto& a : p->approvals()) {
    EXPECT_EQ(a.effective_to(), a.zone_id() == "north" ? "2025-06-07" : "")
        << a.zone_id() << "/" << a.category_id();
  }
}

TEST_F(RulesTest, LeavingTheWholeSystemEndsEveryApproval) {
  absl::StatusOr<v1::Provider> p = Notice(Approved(), "", "2025-07-01");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->approvals_size(), 4);
  for (const auto& a : p->approvals()) {
    EXPECT_EQ(a.effective_to(), "2025-06-30");
  }
}

TEST_F(RulesTest, SecondNoticeIsRefused) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  EXPECT_TRUE(IsError(Notice(p, "north", "2025-07-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"notice already given", "north", "2025-06-08"}));
  // Leaving the city as well is a separate notice and is allowed.
  EXPECT_TRUE(Notice(p, "city", "2025-07-01").ok());

  v1::Provider all = Notice(Approved(), "", "2025-07-01").value();
  EXPECT_TRUE(IsError(Notice(all, "city", "2025-08-01").status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"notice already given", "2025-07-01"}));
}

// A provider that left a zone and was later approved there again is a normal
// member of that zone: the old notice no longer applies.
TEST_F(RulesTest, ProviderCanComeBackToAZoneItLeft) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  p = Submit(p, {"north"}, {kService});
  absl::StatusOr<v1::Provider> back = Decide(p, "app-2", "2025-09-01");
  ASSERT_TRUE(back.ok()) << back.status();

  v1::ProviderStatus s = StatusAsOf(m_, *back, absl::CivilDay(2025, 9, 10));
  std::optional<v1::ZoneCategoryStatus> st = Find(s, "north", kService);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->accepting_new_clients());
  EXPECT_THAT(st->reasons(), IsEmpty());
  EXPECT_EQ(st->leaving_date(), "");
  // Personal care in north was not applied for again.
  EXPECT_FALSE(Find(s, "north", kCare).has_value());

  // And it may give notice there again.
  absl::StatusOr<v1::Provider> again =
      Notice(*back, "north", "2026-01-01", "2025-09-10");
  ASSERT_TRUE(again.ok()) << again.status();
  for (const auto& a : again->approvals()) {
    if (a.application_id() == "app-2") {
      EXPECT_EQ(a.effective_to(), "2025-12-31");
    }
  }
}

// ------------------------------------------------------------ sanctions

TEST_F(RulesTest, ActionPlanNeedsAFutureDeadline) {
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "", "").status(),
      absl::StatusCode::kInvalidArgument, {"deadline", "required"}));
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "2025-03-10", "")
          .status(),
      absl::StatusCode::kInvalidArgument, {"deadline", "after today"}));
  absl::StatusOr<v1::Provider> p =
      Sanction(Approved(), v1::SANCTION_KIND_ACTION_PLAN, "2025-04-30", "");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->sanctions_size(), 1);
  EXPECT_EQ(p->sanctions(0).sanction_id(), "san-1");
  EXPECT_EQ(p->sanctions(0).deadline(), "2025-04-30");
  EXPECT_EQ(p->sanctions(0).decided_on(), "2025-03-10");
  // An action plan does not stop intake.
  EXPECT_TRUE(Find(StatusAsOf(m_, *p, kToday), "north", kService)
                  .value()
                  .accepting_new_clients());
}

TEST_F(RulesTest, SanctionNeedsAReasonAndAKind) {
  v1::ImposeSanctionRequest r;
  r.set_kind(v1::SANCTION_KIND_WARNING);
  EXPECT_TRUE(IsError(ImposeSanction(Approved(), r, kToday).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "required"}));
  r.set_reason("late visits");
  r.set_kind(v1::SANCTION_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsError(ImposeSanction(Approved(), r, kToday).status(),
                      absl::StatusCode::kInvalidArgument, {"kind"}));
}

TEST_F(RulesTest, SuspensionStopsNewClientsUntilLifted) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_SUSPENSION, "", "").value();
  EXPECT_EQ(p.sanctions(0).effective_date(), "2025-03-10");  // empty = today
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  EXPECT_TRUE(s.active());
  ASSERT_EQ(s.statuses_size(), 4);
  for (const auto& st : s.statuses()) {
    EXPECT_TRUE(st.approved());
    EXPECT_FALSE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(), ElementsAre("suspended: no new clients"));
  }

  v1::LiftSuspensionRequest lift;
  lift.set_sanction_id("san-1");
  lift.set_reason("action plan followed");
  absl::StatusOr<v1::Provider> lifted =
      LiftSuspension(p, lift, absl::CivilDay(2025, 4, 2));
  ASSERT_TRUE(lifted.ok()) << lifted.status();
  EXPECT_TRUE(lifted->sanctions(0).lifted());
  EXPECT_EQ(lifted->sanctions(0).lifted_on(), "2025-04-02");
  const v1::ProviderStatus after_lift = StatusAsOf(m_, *lifted, kToday);
  for (const auto& st : after_lift.statuses()) {
    EXPECT_TRUE(st.accepting_new_clients());
  }
  EXPECT_TRUE(IsError(LiftSuspension(*lifted, lift, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"san-1", "already lifted", "2025-04-02"}));
}

TEST_F(RulesTest, SuspensionFromALaterDayStartsThen) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_SUSPENSION, "", "2025-04-01")
          .value();
  EXPECT_TRUE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 3, 31)), "city", kCare)
          .value()
          .accepting_new_clients());
  EXPECT_FALSE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 4, 1)), "city", kCare)
          .value()
          .accepting_new_clients());
}

TEST_F(RulesTest, OnlyASuspensionCanBeLifted) {
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_WARNING, "", "").value();
  v1::LiftSuspensionRequest lift;
  lift.set_sanction_id("san-1");
  EXPECT_TRUE(IsError(LiftSuspension(p, lift, kToday).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"san-1", "not a suspension"}));
  lift.set_sanction_id("san-7");
  EXPECT_TRUE(IsError(LiftSuspension(p, lift, kToday).status(),
                      absl::StatusCode::kNotFound, {"san-7"}));
}

TEST_F(RulesTest, TerminationEndsApprovalsAndShowsTheLeavingDate) {
  EXPECT_TRUE(IsError(
      Sanction(Approved(), v1::SANCTION_KIND_TERMINATION, "", "2025-03-10")
          .status(),
      absl::StatusCode::kInvalidArgument, {"effective_date", "after today"}));
  v1::Provider p =
      Sanction(Approved(), v1::SANCTION_KIND_TERMINATION, "", "2025-05-01")
          .value();
  ASSERT_EQ(p.approvals_size(), 4);
  for (const auto& a : p.approvals()) EXPECT_EQ(a.effective_to(), "2025-04-30");

  v1::ProviderStatus before = StatusAsOf(m_, p, kToday);
  ASSERT_EQ(before.statuses_size(), 4);
  for (const auto& st : before.statuses()) {
    EXPECT_EQ(st.leaving_date(), "2025-05-01");
    EXPECT_FALSE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(),
                ElementsAre("contract terminated from 2025-05-01"));
  }
  // Its last day still has approvals; the day after none.
  EXPECT_EQ(StatusAsOf(m_, p, absl::CivilDay(2025, 4, 30)).statuses_size(), 4);
  v1::ProviderStatus after = StatusAsOf(m_, p, absl::CivilDay(2025, 5, 1));
  EXPECT_FALSE(after.active());
  EXPECT_THAT(after.statuses(), IsEmpty());

  EXPECT_TRUE(IsError(
      Sanction(p, v1::SANCTION_KIND_TERMINATION, "", "2025-06-01").status(),
      absl::StatusCode::kFailedPrecondition, {"already terminated"}));
  v1::SubmitApplicationRequest apply;
  apply.add_zone_ids("south");
  apply.add_category_ids(kService);
  EXPECT_TRUE(IsError(SubmitApplication(m_, p, apply, Now()).status(),
                      absl::StatusCode::kFailedPrecondition, {"terminated"}));
}

// ------------------------------------------------------------ status

TEST_F(RulesTest, ApprovedProviderAcceptsEverywhereItIsApproved) {
  v1::ProviderStatus s = StatusAsOf(m_, Approved(), kToday);
  EXPECT_EQ(s.as_of(), "2025-03-10");
  EXPECT_TRUE(s.active());
  EXPECT_EQ(s.provider().provider_id(), "prv-5560360793");
  std::vector<std::string> pairs;
  for (const auto& st : s.statuses()) {
    pairs.push_back(st.zone_id() + "/" + st.category_id());
    EXPECT_TRUE(st.approved());
    EXPECT_TRUE(st.accepting_new_clients());
    EXPECT_THAT(st.reasons(), IsEmpty());
    EXPECT_FALSE(st.capped());
    EXPECT_EQ(st.leaving_date(), "");
  }
  EXPECT_THAT(pairs, UnorderedElementsAre("north/home-help-service",
                                          "north/home-help-personal-care",
                                          "city/home-help-service",
                                          "city/home-help-personal-care"));
}

TEST_F(RulesTest, PausedIntakeIsAReason) {
  v1::SetIntakePausedRequest pause;
  pause.set_zone_id("north");
  pause.set_paused(true);
  EXPECT_TRUE(IsError(SetIntakePaused(m_, Approved(), pause).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"reason", "required when pausing"}));
  pause.set_reason("staff shortage");
  v1::Provider p = SetIntakePaused(m_, Approved(), pause).value();
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  std::optional<v1::ZoneCategoryStatus> north = Find(s, "north", kService);
  ASSERT_TRUE(north.has_value());
  EXPECT_FALSE(north->accepting_new_clients());
  EXPECT_THAT(north->reasons(), ElementsAre("intake paused by the provider"));
  EXPECT_TRUE(Find(s, "city", kService).value().accepting_new_clients());

  v1::SetIntakePausedRequest resume;
  resume.set_zone_id("north");
  p = SetIntakePaused(m_, p, resume).value();
  EXPECT_TRUE(Find(StatusAsOf(m_, p, kToday), "north", kCare)
                  .value()
                  .accepting_new_clients());

  // Empty zone: every zone.
  v1::SetIntakePausedRequest everywhere;
  everywhere.set_paused(true);
  everywhere.set_reason("summer");
  p = SetIntakePaused(m_, p, everywhere).value();
  const v1::ProviderStatus paused_everywhere = StatusAsOf(m_, p, kToday);
  ASSERT_EQ(paused_everywhere.statuses_size(), 4);
  for (const auto& st : paused_everywhere.statuses()) {
    EXPECT_FALSE(st.accepting_new_clients()) << st.zone_id();
  }
}

TEST_F(RulesTest, NoticeStopsIntakeWhenTheMunicipalitySaysSo) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  v1::ProviderStatus s = StatusAsOf(m_, p, kToday);
  std::optional<v1::ZoneCategoryStatus> north = Find(s, "north", kCare);
  ASSERT_TRUE(north.has_value());
  EXPECT_TRUE(north->approved());
  EXPECT_FALSE(north->accepting_new_clients());
  EXPECT_THAT(north->reasons(), ElementsAre("notice given: leaves 2025-06-08"));
  EXPECT_EQ(north->leaving_date(), "2025-06-08");
  std::optional<v1::ZoneCategoryStatus> city = Find(s, "city", kCare);
  ASSERT_TRUE(city.has_value());
  EXPECT_TRUE(city->accepting_new_clients());
  EXPECT_EQ(city->leaving_date(), "");

  // Before the notice was given nothing shows.
  std::optional<v1::ZoneCategoryStatus> earlier =
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 3, 9)), "north", kCare);
  ASSERT_TRUE(earlier.has_value());
  EXPECT_TRUE(earlier->accepting_new_clients());

  // Where intake goes on under notice, the leaving date still shows.
  v1::Municipality keeps_intake = m_;
  keeps_intake.set_stop_intake_on_notice(false);
  std::optional<v1::ZoneCategoryStatus> open =
      Find(StatusAsOf(keeps_intake, p, kToday), "north", kCare);
  ASSERT_TRUE(open.has_value());
  EXPECT_TRUE(open->accepting_new_clients());
  EXPECT_EQ(open->leaving_date(), "2025-06-08");
}

TEST_F(RulesTest, CapOfZeroClientsIsAReason) {
  v1::Provider p = Cap(Approved(), "city", 0).value();
  std::optional<v1::ZoneCategoryStatus> city =
      Find(StatusAsOf(m_, p, kToday), "city", kService);
  ASSERT_TRUE(city.has_value());
  EXPECT_TRUE(city->capped());
  EXPECT_EQ(city->max_clients(), 0);
  EXPECT_FALSE(city->accepting_new_clients());
  EXPECT_THAT(city->reasons(), ElementsAre("capacity cap is zero clients"));
}

TEST_F(RulesTest, EveryReasonIsListed) {
  v1::Provider p = Cap(Approved(), "north", 0).value();
  v1::SetIntakePausedRequest pause;
  pause.set_paused(true);
  pause.set_reason("staff shortage");
  p = SetIntakePaused(m_, p, pause).value();
  p = Sanction(p, v1::SANCTION_KIND_SUSPENSION, "", "").value();
  p = Notice(p, "north", "2025-06-08").value();
  std::optional<v1::ZoneCategoryStatus> north =
      Find(StatusAsOf(m_, p, kToday), "north", kService);
  ASSERT_TRUE(north.has_value());
  EXPECT_THAT(north->reasons(),
              UnorderedElementsAre("intake paused by the provider",
                                   "suspended: no new clients",
                                   "notice given: leaves 2025-06-08",
                                   "capacity cap is zero clients"));
}

TEST_F(RulesTest, FutureApprovalIsNotYetActive) {
  v1::Provider p = Submit(Registered(), {"south"}, {kService});
  p = Decide(p, "app-1", "2025-04-01").value();
  v1::ProviderStatus today = StatusAsOf(m_, p, kToday);
  EXPECT_FALSE(today.active());
  EXPECT_THAT(today.statuses(), IsEmpty());
  v1::ProviderStatus then = StatusAsOf(m_, p, absl::CivilDay(2025, 4, 1));
  EXPECT_TRUE(then.active());
  ASSERT_EQ(then.statuses_size(), 1);
  EXPECT_EQ(then.statuses(0).zone_id(), "south");
  EXPECT_TRUE(then.statuses(0).accepting_new_clients());
}

TEST_F(RulesTest, AfterTheLeavingDateTheZoneIsGone) {
  v1::Provider p = Notice(Approved(), "north", "2025-06-08").value();
  EXPECT_TRUE(
      Find(StatusAsOf(m_, p, absl::CivilDay(2025, 6, 7)), "north", kService)
          .has_value());
  v1::ProviderStatus after = StatusAsOf(m_, p, absl::CivilDay(2025, 6, 8));
  EXPECT_FALSE(Find(after, "north", kService).has_value());
  EXPECT_FALSE(Find(after, "north", kCare).has_value());
  EXPECT_TRUE(after.active());  // still in the city
  EXPECT_TRUE(Find(after, "city", kService).has_value());
}

}  // namespace
}  // namespace lov::registry

namespace lov::registry {
namespace {

TEST(CapacityHistoryTest, AFutureCapTakesEffectOnItsDateAndKeepsTheCurrentOne) {
  v1::Provider p;
  p.set_provider_id("prv-1");
  auto* a = p.add_approvals();
  a->set_zone_id("north");
  a->set_category_id("home-help-service");
  a->set_effective_from("2025-01-01");
  v1::Municipality m;
  auto* z = m.add_zones();
  z->set_zone_id("north");
  z->set_name("Norra");
  z->set_area_type(v1::AREA_TYPE_RURAL);
  auto* c = m.add_categories();
  c->set_category_id("home-help-service");
  c->set_name("Service");
  const absl::CivilDay today(2025, 3, 10);

  v1::SetCapacityRequest now;
  now.set_zone_id("north");
  now.set_max_clients(40);
  auto first = SetCapacity(m, p, now, today);
  ASSERT_TRUE(first.ok()) << first.status();
  v1::SetCapacityRequest later = now;
  later.set_max_clients(0);
  later.set_effective_date("2025-04-01");
  auto second = SetCapacity(m, *first, later, today);
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_NE(CapAsOf(*second, "north", "2025-03-31"), nullptr);
  EXPECT_EQ(CapAsOf(*second, "north", "2025-03-31")->max_clients(), 40);
  EXPECT_EQ(CapAsOf(*second, "north", "2025-04-01")->max_clients(), 0);
  EXPECT_EQ(CapFor(*second, "north")->max_clients(), 0);
  v1::ProviderStatus march =
      StatusAsOf(m, *second, absl::CivilDay(2025, 3, 20));
  ASSERT_EQ(march.statuses_size(), 1);
  EXPECT_TRUE(march.statuses(0).accepting_new_clients());
  EXPECT_EQ(march.statuses(0).max_clients(), 40);
  v1::ProviderStatus april = StatusAsOf(m, *second, absl::CivilDay(2025, 4, 2));
  EXPECT_FALSE(april.statuses(0).accepting_new_clients());

  // A new decision from an earlier date replaces the planned one.
  v1::SetCapacityRequest again = now;
  again.set_max_clients(45);
  again.set_effective_date("2025-03-15");
  auto third = SetCapacity(m, *second, again, today);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(CapAsOf(*third, "north", "2025-05-01")->max_clients(), 45);
  EXPECT_EQ(CapAsOf(*third, "north", "2025-03-14")->max_clients(), 40);
}

}  // namespace
}  // namespace lov::registry
