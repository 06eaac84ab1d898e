// The registry's rules as pure functions: the municipality, registering a
// provider and deciding its applications. Expected values are written by
// hand; the fixture is registry_rules_test_support.h.
#include "lov/registry/domain/registry_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/registry/domain/registry_rules_test_support.h"

namespace lov::registry::rules_test {
namespace {

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

}  // namespace
}  // namespace lov::registry::rules_test
