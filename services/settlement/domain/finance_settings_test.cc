// The municipality's finance settings as stored rulebook data: each number
// checked with its own rule, refusals naming the field.
#include "lov/settlement/domain/finance_settings.h"

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;

v1::FinanceSettings Nacka() {
  v1::FinanceSettings s;
  v1::FinanceParty* m = s.mutable_municipality();
  m->set_name(" Nacka kommun ");
  m->set_organisation_number("2120000167");
  m->set_bankgiro("50501055");
  v1::CategoryAccount* care = s.mutable_chart()->add_category_accounts();
  care->set_category_id("personal-care");
  care->set_account("4610");
  s.mutable_buyer()->set_peppol_id("0007:2120000167");
  s.mutable_buyer()->set_reference("LOV");
  return s;
}

TEST(FinanceSettingsTest, NumbersAreWrittenAndDefaultsFilledIn) {
  v1::FinanceSettings in = Nacka();
  in.set_version(7);
  in.set_changed_by("someone");
  absl::StatusOr<v1::FinanceSettings> s = NormalizeFinanceSettings(in);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->municipality().name(), "Nacka kommun");
  EXPECT_EQ(s->municipality().organisation_number(), "212000-0167");
  EXPECT_EQ(s->municipality().bankgiro(), "5050-1055");
  EXPECT_EQ(s->chart().default_cost_account(), "4600");
  EXPECT_EQ(s->chart().vat_account(), "2640");
  EXPECT_EQ(s->chart().supplier_debt_account(), "2440");
  EXPECT_EQ(s->chart().category_accounts(0).account(), "4610");
  // The buyer is the municipality: its name and number are filled in.
  EXPECT_EQ(s->buyer().name(), "Nacka kommun");
  EXPECT_EQ(s->buyer().organisation_number(), "212000-0167");
  EXPECT_EQ(s->version(), 0) << "the version is the event's, not the caller's";
  EXPECT_EQ(s->changed_by(), "");
}

TEST(FinanceSettingsTest, APlusgiroIsAcceptedInsteadOfTheBankgiro) {
  v1::FinanceSettings in = Nacka();
  in.mutable_municipality()->clear_bankgiro();
  in.mutable_municipality()->set_plusgiro("90 08 00-4");
  absl::StatusOr<v1::FinanceSettings> s = NormalizeFinanceSettings(in);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->municipality().plusgiro(), "900800-4");
}

TEST(FinanceSettingsTest, EachBadNumberIsRefusedNamingTheField) {
  struct Case {
    void (*change)(v1::FinanceSettings&);
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {[](v1::FinanceSettings& s) { s.mutable_municipality()->clear_name(); },
       {"municipality.name: required"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->set_organisation_number("212000-0168");
       },
       {"municipality.organisation_number"}},
      // A personnummer-shaped number: refused, and not echoed.
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->set_organisation_number("811218-9876");
       },
       {"municipality.organisation_number"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->set_bankgiro("5050-1056");
       },
       {"municipality.bankgiro", "check digit"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->set_plusgiro("900800-4");
       },
       {"municipality.bankgiro", "not both"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->clear_bankgiro();
       },
       {"municipality.bankgiro", "required (or municipality.plusgiro)"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->clear_bankgiro();
         s.mutable_municipality()->set_plusgiro("900800-5");
       },
       {"municipality.plusgiro", "check digit"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_municipality()->set_bic("SWED");
       },
       {"municipality.bic", "8 or 11"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_chart()->mutable_category_accounts(0)->set_account("461");
       },
       {"chart.category_accounts[0].account"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_chart()->set_vat_account("26400");
       },
       {"chart.vat_account"}},
      {[](v1::FinanceSettings& s) {
         s.mutable_buyer()->set_peppol_id("0007:2120000168");
       },
       {"buyer.peppol_id"}},
  };
  for (const Case& c : cases) {
    v1::FinanceSettings in = Nacka();
    c.change(in);
    absl::StatusOr<v1::FinanceSettings> s = NormalizeFinanceSettings(in);
    EXPECT_TRUE(
        IsError(s.status(), absl::StatusCode::kInvalidArgument, c.words));
    EXPECT_EQ(std::string(s.status().message()).find("8112189876"),
              std::string::npos);
    EXPECT_EQ(std::string(s.status().message()).find("811218-9876"),
              std::string::npos);
  }
}

TEST(FinanceSettingsTest, SameSettingsIgnoreTheVersion) {
  absl::StatusOr<v1::FinanceSettings> a = NormalizeFinanceSettings(Nacka());
  ASSERT_TRUE(a.ok());
  v1::FinanceSettings b = *a;
  b.set_version(3);
  b.set_changed_by("finance-2");
  EXPECT_TRUE(SameFinanceSettings(*a, b));
  b.mutable_municipality()->set_bic("SWEDSESS");
  EXPECT_FALSE(SameFinanceSettings(*a, b));
}

}  // namespace
}  // namespace lov::settlement
